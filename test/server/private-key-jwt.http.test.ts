import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/types.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { basic, discover, insecure, postForm } from '../helpers/oauth-client.js';
import { closeHttp, startServer, type RunningServer } from '../helpers/server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let server: RunningServer;
let as: oauth.AuthorizationServer;
let privateKey: CryptoKey;
let publicJwk: JWK;
let uriKey: CryptoKey;
let jwksServer: Server;
let jwksUri: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  const uriPair = await generateKeyPair('RS256', { extractable: true });
  uriKey = uriPair.privateKey;
  const uriJwk = { ...(await exportJWK(uriPair.publicKey)), kid: 'rsa-1' };
  // The client's jwks_uri, served on 127.0.0.1 (allowed by --cimd-allow-private-hosts only).
  jwksServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify({ keys: [uriJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks.json`;
  server = await startServer({
    flags: { cimdAllowPrivateHosts: 'true' },
    clients: [
      { client_id: 'signer', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk as Record<string, unknown>] } },
      { client_id: 'remote-signer', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri },
      { client_id: 'secretive', client_secret: 'secretive-secret', grant_types: ['client_credentials'], scope: 'read' },
    ],
  });
  as = await discover(server.issuer);
});
afterAll(async () => {
  await server.close();
  await closeHttp(jwksServer);
});

function assertion(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: CryptoKey = privateKey, alg = 'ES256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'signer', sub: 'signer', aud: server.issuer, jti: crypto.randomUUID(), iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg, kid: 'k1', ...header }).sign(key);
}

function tokenRequest(jwt: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt, ...extra });
  return postForm(`${server.issuer}/token`, body.toString(), headers);
}

describe('private_key_jwt client authentication (RFC 7523, OpenID Connect Core section 9)', () => {
  it('is advertised in the metadata with its signing algorithms', () => {
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
  });

  it('authenticates a client with inline jwks through oauth4webapi PrivateKeyJwt', async () => {
    const client = { client_id: 'signer' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: privateKey, kid: 'k1' }), { scope: 'read' }, insecure);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.scope).toBe('read');
  });

  it('authenticates a client whose keys are at its jwks_uri (RS256)', async () => {
    const client = { client_id: 'remote-signer' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: uriKey, kid: 'rsa-1' }), {}, insecure);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.access_token).toBeTruthy();
  });

  it('accepts the token endpoint URL as aud, and a one-element aud array holding an accepted value', async () => {
    expect((await tokenRequest(await assertion({ aud: `${server.issuer}/token` }))).status).toBe(200);
    expect((await tokenRequest(await assertion({ aud: [server.issuer] }))).status).toBe(200);
    expect((await tokenRequest(await assertion({ aud: [`${server.issuer}/token`] }))).status).toBe(200);
  });

  it('refuses a replayed assertion (jti single-use)', async () => {
    const jwt = await assertion();
    expect((await tokenRequest(jwt)).status).toBe(200);
    const replay = await tokenRequest(jwt);
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed: this client assertion was already used.' });
  });

  const invalid = { error: 'invalid_client', error_description: 'Client authentication failed: the client assertion is not valid.' };
  it.each([
    ['a wrong aud', { aud: 'https://elsewhere.example' }],
    // draft-ietf-oauth-rfc7523bis: this server must be the only audience.
    ['an aud array naming another server too', { aud: ['https://other.example', 'ISSUER'] }],
    ['an aud array naming this server twice', { aud: ['ISSUER', 'ISSUER/token'] }],
    ['an empty aud array', { aud: [] }],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 120, iat: Math.floor(Date.now() / 1000) - 180 }],
    ['an assertion living longer than 5 minutes', { exp: Math.floor(Date.now() / 1000) + 3600 }],
    ['no jti', { jti: undefined }],
    ['no exp', { exp: undefined }],
    ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 600 }],
    ['nbf in the future', { nbf: Math.floor(Date.now() / 1000) + 600 }],
    ['iss other than the client', { iss: 'someone-else' }],
  ])('refuses %s', async (_name, claims) => {
    const aud = (claims as { aud?: unknown }).aud;
    const resolved = Array.isArray(aud) ? { ...claims, aud: aud.map((value: string) => value.replace('ISSUER', server.issuer)) } : claims;
    const response = await tokenRequest(await assertion(resolved));
    expect(response.status).toBe(401);
    expect(response.json).toEqual(invalid);
    expect(response.headers.get('www-authenticate')).toBeTruthy();
  });

  it('refuses an unknown kid', async () => {
    const response = await tokenRequest(await assertion({}, { kid: 'not-registered' }));
    expect(response.status).toBe(401);
    expect(response.json).toEqual(invalid);
  });

  it('refuses a key the client did not register', async () => {
    const stranger = (await generateKeyPair('ES256')).privateKey;
    expect((await tokenRequest(await assertion({}, {}, stranger))).json).toEqual(invalid);
  });

  it('refuses alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none', kid: 'k1' })}.${part({ iss: 'signer', sub: 'signer', aud: server.issuer, jti: 'none-1', exp: now + 60 })}.`;
    const response = await tokenRequest(unsigned);
    expect(response.status).toBe(401);
    expect(response.json).toEqual(invalid);
  });

  it('refuses HS256, even keyed with the public key', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: 'signer', sub: 'signer', aud: server.issuer, jti: 'hs-1', exp: now + 60 }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(secret);
    expect((await tokenRequest(jwt)).json).toEqual(invalid);
  });

  it('refuses an assertion for a client registered with a secret', async () => {
    const jwt = await assertion({ iss: 'secretive', sub: 'secretive' });
    const response = await tokenRequest(jwt);
    expect(response.status).toBe(401);
    expect(response.json.error).toBe('invalid_client');
  });

  it('refuses a request that also carries a secret (one method per request, RFC 6749 section 2.3)', async () => {
    const withBasic = await tokenRequest(await assertion(), {}, { authorization: basic('secretive', 'secretive-secret') });
    expect(withBasic.status).toBe(400);
    expect(withBasic.json.error).toBe('invalid_request');
    const withPost = await tokenRequest(await assertion(), { client_secret: 'x' });
    expect(withPost.status).toBe(400);
    expect(withPost.json.error).toBe('invalid_request');
  });

  it('refuses a client_id that differs from the assertion, an unknown assertion type, and garbage', async () => {
    expect((await tokenRequest(await assertion(), { client_id: 'secretive' })).json.error).toBe('invalid_client');
    expect((await tokenRequest(await assertion(), { client_assertion_type: 'urn:example:saml' })).json.error).toBe('invalid_client');
    const garbage = await tokenRequest('not-a-jwt');
    expect(garbage.status).toBe(401);
    expect(garbage.json.error_description).not.toContain('not-a-jwt');
  });

  it('authenticates at the introspection and revocation endpoints too', async () => {
    const introspect = await postForm(`${server.issuer}/introspect`, new URLSearchParams({
      token: 'unknown-token', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(),
    }).toString());
    expect(introspect.status).toBe(200);
    expect(introspect.json).toEqual({ active: false });
    const revoke = await fetch(`${server.issuer}/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'unknown-token', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion() }),
    });
    expect(revoke.status).toBe(200);
  });
});

async function replayAcrossTwoServers(openStore: () => Promise<Store>): Promise<void> {
  const secrets = ServerSecrets.ephemeral();
  const client = { client_id: 'signer', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk as Record<string, unknown>] } };
  // Two instances of one deployment: the same issuer (an assertion names this server as its only audience).
  const flags = { issuer: 'https://as.example' };
  const first = await startServer({ store: await openStore(), secrets, clients: [client], flags });
  const second = await startServer({ store: await openStore(), secrets, flags });
  const origin = (running: typeof first) => `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}`;
  try {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: 'signer', sub: 'signer', aud: 'https://as.example', jti: 'shared-jti', exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt }).toString();
    // Sent at once, half to each server: exactly one is accepted.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postForm(`${origin(i % 2 === 0 ? first : second)}/token`, body)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused).toHaveLength(9);
    for (const answer of refused) {
      expect(answer.status).toBe(401);
      expect(answer.json.error_description).toBe('Client authentication failed: this client assertion was already used.');
    }
  } finally {
    await first.close();
    await second.close();
  }
}

describe('private_key_jwt replay across two servers on one database', () => {
  it('SQLite: accepts a jti once, whichever instance sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-pkjwt-'));
    try {
      await replayAcrossTwoServers(async () => new SqliteStore(join(dir, 'tessera.db')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: accepts a jti once, whichever instance sees it', async () => {
    const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
    if (!baseUrl) throw new Error('TESSERA_TEST_POSTGRES_URL is not set; see test/setup/postgres.ts.');
    const schema = `tessera_pkjwt_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    try {
      await replayAcrossTwoServers(() => PostgresStore.connect(url.toString()));
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});
