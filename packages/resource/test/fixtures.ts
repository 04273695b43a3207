import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { loadConfig } from '../../../src/config.js';
import { clientFromMetadata } from '../../../src/core/client-metadata.js';
import { legacySha256 } from '../../../src/core/secret-hash.js';
import { openJwk } from '../../../src/keys/sealed-jwk.js';
import { ServerSecrets } from '../../../src/core/server-secrets.js';
import { SecretHashing } from '../../../src/core/secret-hash.js';
import { buildServer } from '../../../src/server/app.js';
import type { Store, TokenRecord } from '../../../src/store/types.js';
import { discover, insecure } from '../../../test/helpers/oauth-client.js';

/** The client that calls the protected API: client credentials, scopes read and write. */
export const SERVICE = {
  client_id: 'inventory',
  client_secret: 'inventory-secret',
  grant_types: ['client_credentials'],
  scope: 'read write',
  token_endpoint_auth_method: 'client_secret_basic',
  // An RFC 8707 resource other than the API under test, to mint wrong-audience tokens.
  resources: ['https://elsewhere.example'],
};

/** The protected API's own client, for RFC 7662 introspection. */
export const RESOURCE_SERVER = {
  client_id: 'orders-api',
  client_secret: 'orders api secret/with:odd+chars',
  grant_types: ['client_credentials'],
  scope: 'read',
  token_endpoint_auth_method: 'client_secret_basic',
};

export const introspectionCredentials = { clientId: RESOURCE_SERVER.client_id, clientSecret: RESOURCE_SERVER.client_secret };

/**
 * A real access token from the token endpoint, over HTTP, as a client library gets it. It is for
 * the API under test, the server's default audience (the issuer), unless `params.resource` says
 * otherwise: SERVICE's own first resource, its default audience, is another API.
 */
export async function fetchToken(issuer: string, params: Record<string, string> = {}): Promise<string> {
  const as = await discover(issuer);
  const client = { client_id: SERVICE.client_id };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(SERVICE.client_secret), { resource: issuer, ...params }, insecure);
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}

/**
 * The server's current signing key, read from its store and opened with its secret, to forge
 * tokens that differ in one way only.
 */
export async function serverSigningKey(store: Store, secrets: ServerSecrets): Promise<{ kid: string; key: CryptoKey; publicJwk: JWK }> {
  // The server keeps a key per algorithm (ES256, RS256, EdDSA), created in the same second: the
  // ES256 one is the access tokens' (listActive's order among them is by kid, i.e. random).
  const newest = (await store.keys.listActive()).find((key) => key.alg === 'ES256');
  if (!newest) throw new Error('the server has no ES256 signing key');
  const { jwk } = openJwk(newest.privateJwk, newest.kid, secrets);
  return { kid: newest.kid, key: (await importJWK(jwk as JWK, 'ES256')) as CryptoKey, publicJwk: newest.publicJwk as JWK };
}

/** The claims Tessera puts in an access token, for tokens signed by the test itself. */
export function accessTokenClaims(issuer: string, audience: string, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer, sub: SERVICE.client_id, aud: audience, client_id: SERVICE.client_id, scope: 'read',
    iat: now, exp: now + 600, jti: `jti-${Math.random().toString(36).slice(2)}`, ...overrides,
  };
}

export async function signAccessToken(
  claims: JWTPayload, key: CryptoKey | Uint8Array, header: { alg: string; kid?: string; typ?: string },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

/** An RFC 7519 §6 unsecured JWT: alg none and an empty signature. */
export function unsecuredToken(claims: JWTPayload, kid: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'at+jwt', kid })}.${part(claims)}.`;
}

export async function foreignKey(): Promise<{ key: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { key: privateKey, publicJwk: await exportJWK(publicKey) };
}

/**
 * Puts an opaque token straight into the server's store, as a server that issues opaque access
 * tokens would: Tessera issues only JWTs, but its introspection endpoint answers for any token it
 * has recorded.
 */
export async function recordOpaqueToken(store: Store, token: string, audience: string, overrides: Partial<TokenRecord> = {}): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  // The API under test introspects with RESOURCE_SERVER's credentials: it must be registered as
  // an introspection client of the token's audience (RFC 7662 §4), or the answer is inactive.
  await store.resources.upsert({ resource: audience, scope: [], introspectionClients: [RESOURCE_SERVER.client_id], createdAt: now });
  await store.tokens.save({
    hash: legacySha256(token), kind: 'access_token', jti: `jti-${token.slice(-8)}`, clientId: SERVICE.client_id, subject: SERVICE.client_id,
    userId: null, scope: ['read'], audience, issuedAt: now, expiresAt: now + 600, familyId: `family-${token.slice(-8)}`,
    revokedAt: null, rotatedAt: null, ...overrides,
  });
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/**
 * A stand-in authorization server that publishes metadata and a JWKS the test controls, and
 * counts the requests: for what a real Tessera cannot show (an issuer with a path, a lying
 * issuer, a failing endpoint, how often keys are fetched).
 */
export interface MockIssuer {
  issuer: string;
  /** The keys served at jwks_uri; replace or push to rotate. */
  jwks: { keys: JWK[] };
  /** Status codes to answer instead of 200, per path suffix ('metadata' or 'jwks'). */
  failures: { metadata?: number; jwks?: number };
  /** Overrides the issuer member of the metadata (RFC 8414 §3.3 mismatch). */
  metadataIssuer: string | undefined;
  hits: { metadata: number; jwks: number };
  /** Every path requested, in order. */
  paths: string[];
  close(): Promise<void>;
}

export async function startMockIssuer(options: { issuerPath?: string } = {}): Promise<MockIssuer> {
  const issuerPath = options.issuerPath ?? '';
  const state: Omit<MockIssuer, 'issuer' | 'close'> = {
    jwks: { keys: [] }, failures: {}, metadataIssuer: undefined, hits: { metadata: 0, jwks: 0 }, paths: [],
  };
  let issuer = '';
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '';
    state.paths.push(path);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === `/.well-known/oauth-authorization-server${issuerPath}`) {
      state.hits.metadata += 1;
      if (state.failures.metadata) return send(state.failures.metadata, { error: 'down' });
      return send(200, { issuer: state.metadataIssuer ?? issuer, jwks_uri: `${issuer}/jwks` });
    }
    if (path === `${issuerPath}/jwks`) {
      state.hits.jwks += 1;
      if (state.failures.jwks) return send(state.failures.jwks, { error: 'down' });
      return send(200, state.jwks);
    }
    return send(404, { error: 'not_found' });
  });
  const origin = await listen(server);
  issuer = `${origin}${issuerPath}`;
  return Object.assign(state, { issuer, close: () => closeServer(server) });
}

/**
 * An issuer where nothing listens: port 0 is reserved, a connection to it is refused, and no
 * server can take it (listening on port 0 gets another port), so no other test can answer there.
 */
export const NOTHING_LISTENS = 'http://127.0.0.1:0';

/**
 * A Tessera that can be stopped and started again under the same issuer: one node:http server
 * listens on port 0 for the whole test and hands each request to the Tessera of the moment
 * (Fastify's `routing`), so the port is never released and taken again. A restart builds a new
 * server on the same store (it loads its signing keys at start); closing leaves the store open.
 */
export async function startRestartableTessera(store: Store): Promise<{
  issuer: string; audience: string; restart(): Promise<void>; close(): Promise<void>;
}> {
  let app: FastifyInstance | null = null;
  const server = createServer((request, response) => {
    if (app) app.routing(request, response);
    else response.writeHead(503).end();
  });
  const origin = await listen(server);
  const config = loadConfig({ port: new URL(origin).port, db: 'sqlite::memory:', logLevel: 'silent' }, {});
  // One secret across restarts: it seals the signing keys the restarted server loads.
  const secrets = ServerSecrets.ephemeral();
  await store.clients.upsert(clientFromMetadata(SERVICE, Math.floor(Date.now() / 1000), new SecretHashing(secrets)));
  const start = async () => {
    const next = await buildServer({ settings: config.settings, store, secrets, logger: false });
    await next.ready();
    app = next;
  };
  const stop = async () => {
    const current = app;
    app = null;
    await current?.close();
  };
  await start();
  return {
    issuer: config.settings.issuer,
    audience: config.settings.audience,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await closeServer(server);
    },
  };
}
