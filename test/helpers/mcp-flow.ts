import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { mcpRequestListener } from '../../examples/mcp-server/server.mjs';
import type { ClientMetadata } from '../../src/core/client-metadata.js';
import type { ResourceServerMetadata } from '../../src/core/resource-metadata.js';
import { closeHttp, listenOnFreePort, startServer, type RunningServer } from './server.js';

/**
 * The end-to-end proof of issue 14 §8, shared by test/examples/mcp-server.http.test.ts (sign-in
 * over HTTP with UserAgent) and test/e2e/mcp-server.test.ts (sign-in in Chromium): the official MCP
 * SDK client (its OAuthClientProvider support), the example MCP server (examples/mcp-server,
 * protected by tessera/resource) and a real Tessera, all on 127.0.0.1. Nothing is told to the
 * client but the MCP server's URL:
 *
 *   POST /mcp -> 401 with resource_metadata (RFC 9728 §5.1) -> the protected-resource metadata
 *   (RFC 9728 §3) -> the authorization server's metadata (RFC 8414) -> a client_id (see
 *   MCP_REGISTRATIONS: pre-registered, RFC 7591 or a metadata document) -> /authorize with PKCE S256 and resource (RFC 8707) -> sign-in and consent
 *   (the caller's `signIn`) -> the loopback redirect on an ephemeral port (RFC 8252 §7.3) ->
 *   /token -> tools/call that succeeds; the same token refused by another resource.
 */

/** The example's seed file, its resource moved to where the test's MCP server listens. */
interface Seed {
  clients: ClientMetadata[];
  resources: ResourceServerMetadata[];
  users: { username: string; password: string }[];
}
const SEED_RESOURCE = 'http://127.0.0.1:3001/mcp';
function seedFor(resource: string, otherResource: string): Seed {
  const text = readFileSync(new URL('../../examples/mcp-server/seed.json', import.meta.url), 'utf8');
  const seed = JSON.parse(text.replaceAll(SEED_RESOURCE, resource)) as Seed;
  // The other API: registered at the same Tessera, the client may not ask for it.
  seed.resources.push({ resource: otherResource, scope: 'mcp:tools' });
  return seed;
}

/**
 * How the MCP client gets its client_id (issue 14 §8: once by DCR, once by a client metadata
 * document), each run against the same Tessera, which enables all three:
 * - pre-registered: the seed file's client, handed to the SDK by clientInformation() so that it
 *   skips registration;
 * - dynamic registration (RFC 7591, --dynamic-registration open): clientInformation() returns
 *   undefined, so the SDK POSTs its clientMetadata to the registration_endpoint of the RFC 8414
 *   metadata and saves the answer through saveClientInformation();
 * - a Client ID Metadata Document (--client-id-metadata-documents on --cimd-allow-private-hosts):
 *   the client_id is the URL of a document that the world serves on 127.0.0.1. The SDK's own
 *   `clientMetadataUrl` (1.32) only accepts https URLs, so the provider hands the URL over as
 *   its client information, as a client using the development flag has to.
 */
export interface McpRegistration {
  name: string;
  /** What clientInformation() returns before the flow; undefined makes the SDK register. */
  clientInformation(world: McpWorld): OAuthClientInformationMixed | undefined;
  /** How the client_id came to be, asserted on the requests the flow made. */
  kind: 'pre-registered' | 'dynamic' | 'metadata-document';
}
export const MCP_REGISTRATIONS: McpRegistration[] = [
  { name: 'pre-registered by the seed file', kind: 'pre-registered', clientInformation: () => ({ client_id: 'mcp-client' }) },
  { name: 'registered by dynamic client registration (RFC 7591)', kind: 'dynamic', clientInformation: () => undefined },
  { name: 'identified by a client metadata document on 127.0.0.1', kind: 'metadata-document', clientInformation: (world) => ({ client_id: world.metadataDocument.url }) },
];

/** The client metadata document, served by the client's developer's own tiny web server. */
function metadataDocumentFor(url: string): Record<string, unknown> {
  return {
    client_id: url,
    client_name: 'Tessera MCP test client (metadata document)',
    application_type: 'native',
    // A loopback redirect URI matches any port (RFC 8252 §7.3).
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'mcp:tools',
  };
}

/** An in-memory OAuthClientProvider, as a desktop MCP client keeps one per server. */
class MemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private client: OAuthClientInformationMixed | undefined;
  private savedTokens: OAuthTokens | undefined;
  private verifier = '';
  readonly expectedState = crypto.randomUUID();

  constructor(readonly redirectUrl: string, client: OAuthClientInformationMixed | undefined) {
    this.client = client;
  }

  // application_type is OpenID Connect's, not in the SDK's RFC 7591 type; the SDK sends it along.
  get clientMetadata(): OAuthClientMetadata & { application_type: 'native' } {
    return {
      client_name: 'Tessera MCP test client',
      // OpenID Connect Dynamic Client Registration 1.0 §2: without it a client is "web", whose
      // redirect URIs must be https; this one's is a loopback listener (RFC 8252 §7.3).
      application_type: 'native',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string { return this.expectedState; }
  clientInformation(): OAuthClientInformationMixed | undefined { return this.client; }
  saveClientInformation(client: OAuthClientInformationMixed): void { this.client = client; }
  tokens(): OAuthTokens | undefined { return this.savedTokens; }
  saveTokens(tokens: OAuthTokens): void { this.savedTokens = tokens; }
  redirectToAuthorization(url: URL): void { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string): void { this.verifier = verifier; }
  codeVerifier(): string { return this.verifier; }
}

/** The native app's loopback listener (RFC 8252 §7.3): port 0, so the kernel picks the port. */
async function loopbackCallback(): Promise<{ redirectUrl: string; received: Promise<URLSearchParams>; server: Server }> {
  const { server, origin } = await listenOnFreePort();
  const received = new Promise<URLSearchParams>((resolve) => {
    server.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', origin);
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('You may close this window.');
      resolve(url.searchParams);
    });
  });
  return { redirectUrl: `${origin}/callback`, received, server };
}

/** Tessera, the example MCP server and another resource, as the seed file registers them. */
export interface McpWorld {
  tessera: RunningServer;
  mcp: { server: Server; resource: string; origin: string };
  other: { server: Server; resource: string };
  /** The client metadata document's server; `fetches` counts Tessera's GETs of it. */
  metadataDocument: { server: Server; url: string; fetches: number };
  user: { username: string; password: string };
  close(): Promise<void>;
}

export async function startMcpWorld(): Promise<McpWorld> {
  // The MCP servers listen first: their URLs are their resource identifiers, which Tessera registers.
  const mcpListener = await listenOnFreePort();
  const otherListener = await listenOnFreePort();
  const mcp = { server: mcpListener.server, resource: `${mcpListener.origin}/mcp`, origin: mcpListener.origin };
  const other = { server: otherListener.server, resource: `${otherListener.origin}/mcp` };
  const documentListener = await listenOnFreePort();
  const metadataDocument = { server: documentListener.server, url: `${documentListener.origin}/client.json`, fetches: 0 };
  documentListener.server.on('request', (request, response) => {
    if (request.method !== 'GET' || request.url !== '/client.json') {
      response.writeHead(404).end();
      return;
    }
    metadataDocument.fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadataDocumentFor(metadataDocument.url)));
  });
  const seed = seedFor(mcp.resource, other.resource);
  const tessera = await startServer({
    ...seed,
    flags: {
      // No --audience: a self-registered client (RFC 7591 or a metadata document) names the MCP
      // server with RFC 8707 `resource`, allowed because the server is a registered resource
      // (src/core/audience.ts), as for a Tessera in front of several MCP servers.
      dynamicRegistration: 'open',
      dynamicRegistrationScope: 'mcp:tools',
      clientIdMetadataDocuments: 'on',
      // Development only: the document is on http://127.0.0.1.
      cimdAllowPrivateHosts: 'true',
    },
  });
  mcpListener.server.on('request', mcpRequestListener({ issuer: tessera.issuer, resource: mcp.resource }));
  otherListener.server.on('request', mcpRequestListener({ issuer: tessera.issuer, resource: other.resource }));
  return {
    tessera, mcp, other, metadataDocument, user: seed.users[0]!,
    async close() {
      await closeHttp(mcp.server);
      await closeHttp(other.server);
      await closeHttp(metadataDocument.server);
      await tessera.close();
    },
  };
}

/**
 * Signs the user in and consents at `authorizationUrl`, ending with the browser (or user agent)
 * delivering Tessera's redirect to `redirectUrl`, the client's loopback listener.
 */
export type McpSignIn = (authorizationUrl: URL, redirectUrl: string) => Promise<void>;

/** The whole flow, asserted step by step. */
export async function runMcpOAuthFlow(world: McpWorld, registration: McpRegistration, signIn: McpSignIn): Promise<void> {
  const { tessera, mcp, other, user } = world;
  const documentFetchesBefore = world.metadataDocument.fetches;
  const seen: { method: string; url: string; status: number; challenge: string | null; body: string | undefined }[] = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ method: init?.method ?? 'GET', url, status: response.status, challenge: response.headers.get('www-authenticate'), body: typeof init?.body === 'string' ? init.body : init?.body?.toString() });
    return response;
  };
  const callback = await loopbackCallback();
  try {
    const provider = new MemoryOAuthProvider(callback.redirectUrl, registration.clientInformation(world));

    // 1. The first request has no token: the SDK meets the 401 and runs discovery.
    const first = new Client({ name: 'tessera-test', version: '1.0.0' });
    await expect(first.connect(new StreamableHTTPClientTransport(new URL(mcp.resource), { authProvider: provider, fetch: recordingFetch })))
      .rejects.toThrow(UnauthorizedError);
    const metadataUrl = `${mcp.origin}/.well-known/oauth-protected-resource/mcp`;
    const unauthorized = seen.find((request) => request.url === mcp.resource && request.status === 401);
    expect(unauthorized?.challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(unauthorized?.challenge).toContain('scope="mcp:tools"');
    const prm = seen.findIndex((request) => request.url === metadataUrl && request.status === 200);
    const asm = seen.findIndex((request) => request.url === `${tessera.issuer}/.well-known/oauth-authorization-server` && request.status === 200);
    expect(prm).toBeGreaterThan(seen.indexOf(unauthorized!));
    expect(asm).toBeGreaterThan(prm);

    // 2. The client_id: registered at the registration_endpoint the metadata named, or not at all.
    const registrationRequests = seen.filter((request) => request.url === `${tessera.issuer}/register`);
    const clientId = provider.clientInformation()?.client_id;
    if (registration.kind === 'dynamic') {
      expect(registrationRequests.map((request) => request.status)).toEqual([201]);
      expect(seen.indexOf(registrationRequests[0]!)).toBeGreaterThan(asm);
      expect(JSON.parse(registrationRequests[0]!.body!)).toMatchObject({ redirect_uris: [callback.redirectUrl], token_endpoint_auth_method: 'none' });
      expect(clientId).toMatch(/^[\w-]{16,}$/);
      expect((await tessera.store.clients.get(clientId!))?.clientId).toBe(clientId);
    } else {
      expect(registrationRequests).toEqual([]);
      expect(clientId).toBe(registration.kind === 'metadata-document' ? world.metadataDocument.url : 'mcp-client');
    }

    // 3. The authorization request it built: PKCE S256, the resource, the scope the 401 named.
    const authorizationUrl = provider.authorizationUrl!;
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${tessera.issuer}/authorize`);
    expect(authorizationUrl.searchParams.get('resource')).toBe(mcp.resource);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('scope')).toBe('mcp:tools');
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(callback.redirectUrl);
    expect(authorizationUrl.searchParams.get('client_id')).toBe(clientId);

    // 4. The user signs in and consents; Tessera redirects to the loopback port the client chose.
    await signIn(authorizationUrl, callback.redirectUrl);
    const params = await callback.received;
    expect(Object.fromEntries(params)).toMatchObject({ code: expect.any(String) });
    expect(params.get('state')).toBe(provider.expectedState);
    expect(params.get('iss')).toBe(tessera.issuer);
    // Tessera read the metadata document to show the consent page and check the redirect_uri.
    if (registration.kind === 'metadata-document') expect(world.metadataDocument.fetches).toBeGreaterThan(documentFetchesBefore);
    else expect(world.metadataDocument.fetches).toBe(documentFetchesBefore);

    // 5. The code for a token (the SDK repeats the resource), then a new connection with it.
    await new StreamableHTTPClientTransport(new URL(mcp.resource), { authProvider: provider, fetch: recordingFetch })
      .finishAuth(params.get('code')!);
    const tokenRequest = seen.find((request) => request.url === `${tessera.issuer}/token`);
    expect(new URLSearchParams(tokenRequest?.body).get('resource')).toBe(mcp.resource);
    const tokens = provider.tokens()!;
    expect(tokens.scope).toBe('mcp:tools');

    const client = new Client({ name: 'tessera-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.resource), { authProvider: provider, fetch: recordingFetch }));
    try {
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      const subject = (await tessera.store.users.getByUsername(user.username))!.id;
      expect(who.structuredContent).toEqual({ sub: subject, client_id: clientId, scope: 'mcp:tools' });
      const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
      expect(sum.content).toEqual([{ type: 'text', text: '5' }]);
    } finally {
      await client.close();
    }

    // 6. The same token at another resource of the same authorization server: its aud is not that one.
    const refused = await fetch(other.resource, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.headers.get('www-authenticate')).toContain(`resource_metadata="${other.resource.replace('/mcp', '')}/.well-known/oauth-protected-resource/mcp"`);
  } finally {
    await closeHttp(callback.server);
  }
}
