import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBearerVerifier, fastifyBearerAuth, fastifyProtectedResourceMetadata, protectedResourceMetadata,
  protectedResourceMetadataHandler, requireToken, type ProtectedResourceMetadata,
} from '../src/index.js';
import { closeHttp, listenOnFreePort, serveOn, startServer, type RunningServer } from '../../../test/helpers/server.js';

/**
 * RFC 9728 over HTTP, as an MCP client meets it: two resources with a path (/mcp), one on the
 * Fastify plugins and one on the Express-style middleware (node:http), both protected by a real
 * Tessera. A request without a token gets a 401 naming the metadata URL (§5.1); that URL serves
 * the document (§3), whose authorization server issues a token for the resource (RFC 8707);
 * a token without the scope gets 403 insufficient_scope with the scope to step up to.
 */

let tessera: RunningServer;
const resources: { name: string; origin: string; resource: string; metadata: ProtectedResourceMetadata; close(): Promise<void> }[] = [];

const CLIENT = {
  client_id: 'mcp-agent',
  client_secret: 'mcp-agent-secret',
  grant_types: ['client_credentials'],
  scope: 'mcp:tools mcp:admin',
  token_endpoint_auth_method: 'client_secret_basic',
  resources: [] as string[],
};

async function startFastify(server: Server, metadata: ProtectedResourceMetadata, issuer: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, serverFactory: serveOn(server) });
  await app.register(fastifyProtectedResourceMetadata, metadata);
  await app.register(fastifyBearerAuth, { issuer, audience: metadata.document.resource, resourceMetadata: metadata.url });
  app.post('/mcp', { preHandler: app.requireToken(['mcp:tools']) }, async (request) => ({ sub: request.accessToken?.subject }));
  app.post('/mcp/admin', { preHandler: app.requireToken(['mcp:admin']) }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

function startNode(server: Server, metadata: ProtectedResourceMetadata, issuer: string): void {
  const verifier = createBearerVerifier({ issuer, audience: metadata.document.resource, resourceMetadata: metadata.url });
  const serveMetadata = protectedResourceMetadataHandler(metadata);
  const tools = requireToken(verifier, ['mcp:tools']);
  const admin = requireToken(verifier, ['mcp:admin']);
  server.on('request', (request, response) => {
    serveMetadata(request, response, () => {
      const guard = request.url === '/mcp/admin' ? admin : request.url === '/mcp' ? tools : undefined;
      if (guard === undefined) {
        response.statusCode = 404;
        response.end('');
        return;
      }
      guard(request, response, (error) => {
        response.statusCode = error === undefined ? 200 : 500;
        response.end(JSON.stringify({ ok: error === undefined }));
      });
    });
  });
}

beforeAll(async () => {
  // The resources listen first: their URLs are their identifiers, which the client is registered for.
  const fastifyListener = await listenOnFreePort();
  const nodeListener = await listenOnFreePort();
  CLIENT.resources = [`${fastifyListener.origin}/mcp`, `${nodeListener.origin}/mcp`];
  tessera = await startServer({ clients: [CLIENT] });
  const fastifyMetadata = protectedResourceMetadata({
    resource: `${fastifyListener.origin}/mcp`, authorizationServers: [tessera.issuer], scopesSupported: ['mcp:tools', 'mcp:admin'],
    resourceName: 'Fastify MCP', resourceDocumentation: `${fastifyListener.origin}/docs`,
  });
  const app = await startFastify(fastifyListener.server, fastifyMetadata, tessera.issuer);
  resources.push({ name: 'fastify', origin: fastifyListener.origin, resource: `${fastifyListener.origin}/mcp`, metadata: fastifyMetadata, close: () => app.close() });
  const nodeMetadata = protectedResourceMetadata({
    resource: `${nodeListener.origin}/mcp`, authorizationServers: [tessera.issuer], scopesSupported: ['mcp:tools', 'mcp:admin'],
  });
  startNode(nodeListener.server, nodeMetadata, tessera.issuer);
  resources.push({ name: 'node:http', origin: nodeListener.origin, resource: `${nodeListener.origin}/mcp`, metadata: nodeMetadata, close: () => closeHttp(nodeListener.server) });
});

afterAll(async () => {
  for (const resource of resources) await resource.close();
  await tessera?.close();
});

const insecure = { [oauth.allowInsecureRequests]: true };

async function tokenFor(issuer: string, resource: string, scope: string): Promise<string> {
  const as = await oauth.discoveryRequest(new URL(issuer), insecure).then((response) => oauth.processDiscoveryResponse(new URL(issuer), response));
  const client = { client_id: CLIENT.client_id };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(CLIENT.client_secret), { resource, scope }, insecure);
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}

/** The auth-param of a challenge, e.g. resource_metadata="..." (values here have no quoted-pairs). */
function param(challenge: string | null, name: string): string | undefined {
  return new RegExp(`(?:^Bearer |, )${name}="([^"]*)"`).exec(challenge ?? '')?.[1];
}

describe.each(['fastify', 'node:http'])('RFC 9728 on %s', (name) => {
  const target = () => resources.find((resource) => resource.name === name)!;

  it('answers 401 with resource_metadata and the scope, then serves that document at the §3.1 path', async () => {
    const { origin, resource, metadata } = target();
    const response = await fetch(`${origin}/mcp`, { method: 'POST' });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate');
    const url = param(challenge, 'resource_metadata');
    expect(url).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    expect(param(challenge, 'scope')).toBe('mcp:tools');
    expect(param(challenge, 'error')).toBeUndefined();

    const document = await fetch(url!);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toMatch(/^application\/json/);
    expect(document.headers.get('access-control-allow-origin')).toBe('*');
    const body = await document.json() as Record<string, unknown>;
    // RFC 9728 §3.3: the resource in the document is the identifier the URL was built from.
    expect(body.resource).toBe(resource);
    expect(body.authorization_servers).toEqual([tessera.issuer]);
    expect(body.bearer_methods_supported).toEqual(['header']);
    expect(body.scopes_supported).toEqual(['mcp:tools', 'mcp:admin']);
    expect(body).toEqual(metadata.document);
    // The root form, which clients of earlier MCP revisions try, serves the same document.
    expect(await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json()).toEqual(body);
  });

  it('answers a CORS preflight for the document, and HEAD with no body', async () => {
    const { origin } = target();
    const preflight = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, {
      method: 'OPTIONS', headers: { origin: 'https://inspector.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-protocol-version');
    const head = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('accepts a token for this resource from the advertised authorization server', async () => {
    const { origin, resource } = target();
    const token = await tokenFor(tessera.issuer, resource, 'mcp:tools');
    const response = await fetch(`${origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('refuses a token for the other resource with 401 invalid_token and resource_metadata', async () => {
    const { origin } = target();
    const other = resources.find((resource) => resource.name !== name)!;
    const token = await tokenFor(tessera.issuer, other.resource, 'mcp:tools');
    const response = await fetch(`${origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate');
    expect(param(challenge, 'error')).toBe('invalid_token');
    expect(param(challenge, 'resource_metadata')).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
  });

  it('answers 403 insufficient_scope naming the scope to step up to (RFC 6750 §3.1)', async () => {
    const { origin, resource } = target();
    const token = await tokenFor(tessera.issuer, resource, 'mcp:tools');
    const response = await fetch(`${origin}/mcp/admin`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate');
    expect(param(challenge, 'error')).toBe('insufficient_scope');
    expect(param(challenge, 'scope')).toBe('mcp:admin');
    expect(param(challenge, 'resource_metadata')).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    const stepped = await tokenFor(tessera.issuer, resource, 'mcp:tools mcp:admin');
    expect((await fetch(`${origin}/mcp/admin`, { method: 'POST', headers: { authorization: `Bearer ${stepped}` } })).status).toBe(200);
  });
});
