import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBearerVerifier, fastifyBearerAuth, requireToken, type AccessTokenClaims, type BearerRequest, type BearerVerifier,
} from '../src/index.js';
import { startServer, type RunningServer } from '../../../test/helpers/server.js';
import {
  accessTokenClaims, closeServer, fetchToken, foreignKey, introspectionCredentials, listen, recordOpaqueToken,
  RESOURCE_SERVER, SERVICE, serverSigningKey, signAccessToken, unsecuredToken,
} from './fixtures.js';

/**
 * One matrix of requests, sent over HTTP to two small resource servers built with the toolkit
 * (the Fastify plugin and the Express-style middleware on node:http), both protecting
 * GET /orders (scope read) and POST /orders (scopes read and write).
 */

let tessera: RunningServer;
let verifier: BearerVerifier;
let fastifyApp: FastifyInstance;
let fastifyUrl: string;
let nodeServer: Server;
let nodeUrl: string;

const REALM = 'orders';

async function startFastifyResource(): Promise<string> {
  fastifyApp = Fastify({ logger: false });
  await fastifyApp.register(fastifyBearerAuth, { verifier });
  fastifyApp.get('/orders', { preHandler: fastifyApp.requireToken(['read']) }, async (request) => ({ token: request.accessToken }));
  fastifyApp.post('/orders', { preHandler: fastifyApp.requireToken(['read', 'write']) }, async (request) => ({ token: request.accessToken }));
  // A route with a typed body, to show requireToken fits routes with generics.
  fastifyApp.put<{ Body: { id: number } }>('/orders', { preHandler: fastifyApp.requireToken() }, async (request) => ({ id: request.body.id }));
  fastifyApp.get('/public', async (request) => ({ token: request.accessToken }));
  return fastifyApp.listen({ port: 0, host: '127.0.0.1' });
}

async function startNodeResource(): Promise<string> {
  const readOrders = requireToken(verifier, ['read']);
  const writeOrders = requireToken(verifier, ['read', 'write']);
  nodeServer = createServer((request, response) => {
    const middleware = request.method === 'POST' ? writeOrders : readOrders;
    middleware(request, response, (error) => {
      if (error) {
        response.statusCode = 500;
        response.end();
        return;
      }
      const { accessToken } = request as BearerRequest;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ token: accessToken }));
    });
  });
  return listen(nodeServer);
}

beforeAll(async () => {
  tessera = await startServer({ clients: [SERVICE, RESOURCE_SERVER] });
  verifier = createBearerVerifier({
    issuer: tessera.issuer, audience: tessera.config.settings.audience, realm: REALM, introspection: introspectionCredentials,
  });
  fastifyUrl = await startFastifyResource();
  nodeUrl = await startNodeResource();
});

afterAll(async () => {
  await fastifyApp?.close();
  if (nodeServer) await closeServer(nodeServer);
  await tessera?.close();
});

interface Answer {
  status: number;
  challenge: string | null;
  cacheControl: string | null;
  body: { error?: string; error_description?: string; token?: AccessTokenClaims };
}

async function call(base: string, authorization: string | undefined, method: 'GET' | 'POST' = 'GET'): Promise<Answer> {
  const response = await fetch(`${base}/orders`, { method, headers: authorization === undefined ? {} : { authorization } });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    cacheControl: response.headers.get('cache-control'),
    body: (await response.json()) as Answer['body'],
  };
}

function expectInvalidToken(answer: Answer, description: RegExp): void {
  expect(answer.status).toBe(401);
  expect(answer.body.error).toBe('invalid_token');
  expect(answer.body.error_description).toMatch(description);
  expect(answer.challenge).toMatch(/^Bearer realm="orders", error="invalid_token", error_description="[^"]+"$/);
  expect(answer.cacheControl).toBe('no-store');
}

const adapters = [
  { name: 'Fastify plugin', url: () => fastifyUrl },
  { name: 'Express-style middleware on node:http', url: () => nodeUrl },
];

describe.each(adapters)('$name', ({ url }) => {
  it('lets a valid token through and hands the route its claims', async () => {
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const answer = await call(url(), `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.challenge).toBeNull();
    expect(answer.body.token).toMatchObject({
      issuer: tessera.issuer, subject: SERVICE.client_id, clientId: SERVICE.client_id, audience: [tessera.config.settings.audience],
      scopes: ['read'], verifiedBy: 'jwt',
    });
  });

  it('accepts a token with every scope a route needs, and the scheme in any case', async () => {
    const token = await fetchToken(tessera.issuer, { scope: 'read write' });
    expect((await call(url(), `bearer ${token}`, 'POST')).status).toBe(200);
  });

  it('answers a request with no Authorization header with a bare challenge (RFC 6750 §3.1)', async () => {
    const answer = await call(url(), undefined);
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="orders"');
    expect(answer.body.error).toBeUndefined();
    expect(answer.body.error_description).toMatch(/requires a Bearer access token/);
  });

  it('answers another authentication scheme with the bare challenge, no error code (RFC 6750 §3.1)', async () => {
    const answer = await call(url(), 'Basic aW52ZW50b3J5OnNlY3JldA==');
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="orders"');
    expect(answer.body.error).toBeUndefined();
  });

  it.each([
    ['the scheme alone', 'Bearer', /no access token/],
    ['two tokens', 'Bearer abc def', /exactly one access token/],
    ['characters outside b64token', 'Bearer abc"def', /characters/],
    ['a comma-joined pair of credentials', 'Bearer abc, Bearer def', /exactly one access token/],
  ])('answers 400 invalid_request for %s', async (_case, authorization, description) => {
    const answer = await call(url(), authorization);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect(answer.body.error_description).toMatch(description);
    expect(answer.challenge).toMatch(/^Bearer realm="orders", error="invalid_request", error_description="[^"]+"$/);
  });

  it('answers 403 insufficient_scope with the scopes the route needs', async () => {
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const answer = await call(url(), `Bearer ${token}`, 'POST');
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('insufficient_scope');
    expect(answer.challenge).toBe(
      'Bearer realm="orders", error="insufficient_scope", '
      + 'error_description="The access token lacks a scope this resource requires: read write.", scope="read write"');
  });

  it('refuses an expired token', async () => {
    // Mint at a time far enough back that the token (one hour) expired a minute ago.
    tessera.clock.advance(-(tessera.config.settings.accessTokenTtl + 60));
    const token = await fetchToken(tessera.issuer, { scope: 'read' }).finally(() => tessera.clock.advance(tessera.config.settings.accessTokenTtl + 60));
    expectInvalidToken(await call(url(), `Bearer ${token}`), /expired/);
  });

  it('refuses an unsecured token (alg none)', async () => {
    const { kid } = await serverSigningKey(tessera.store, tessera.secrets);
    const token = unsecuredToken(accessTokenClaims(tessera.issuer, tessera.config.settings.audience), kid);
    expectInvalidToken(await call(url(), `Bearer ${token}`), /algorithm/);
  });

  it('refuses an HS256 token whose secret is the server public key (algorithm confusion)', async () => {
    const { kid, publicJwk } = await serverSigningKey(tessera.store, tessera.secrets);
    const published = JSON.stringify({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y });
    for (const secret of [published, JSON.stringify(publicJwk)]) {
      const token = await signAccessToken(accessTokenClaims(tessera.issuer, tessera.config.settings.audience), new TextEncoder().encode(secret),
        { alg: 'HS256', typ: 'at+jwt', kid });
      expectInvalidToken(await call(url(), `Bearer ${token}`), /algorithm/);
    }
  });

  it('refuses a token signed by a foreign key that claims the server kid', async () => {
    const { kid } = await serverSigningKey(tessera.store, tessera.secrets);
    const foreign = await foreignKey();
    const token = await signAccessToken(accessTokenClaims(tessera.issuer, tessera.config.settings.audience), foreign.key, { alg: 'ES256', typ: 'at+jwt', kid });
    expectInvalidToken(await call(url(), `Bearer ${token}`), /signature is invalid/);
  });

  it('refuses a token signed by a foreign key with a kid the server does not publish', async () => {
    const foreign = await foreignKey();
    const token = await signAccessToken(accessTokenClaims(tessera.issuer, tessera.config.settings.audience), foreign.key,
      { alg: 'ES256', typ: 'at+jwt', kid: 'attacker-key' });
    expectInvalidToken(await call(url(), `Bearer ${token}`), /not signed with a key the authorization server publishes/);
  });

  it('refuses a token from another issuer, even signed with the right key', async () => {
    const { kid, key } = await serverSigningKey(tessera.store, tessera.secrets);
    const token = await signAccessToken(accessTokenClaims('https://evil.example', tessera.config.settings.audience), key, { alg: 'ES256', typ: 'at+jwt', kid });
    expectInvalidToken(await call(url(), `Bearer ${token}`), /different authorization server/);
  });

  it('refuses a real token issued for another audience (RFC 8707 resource)', async () => {
    const token = await fetchToken(tessera.issuer, { scope: 'read', resource: 'https://elsewhere.example' });
    expectInvalidToken(await call(url(), `Bearer ${token}`), /not meant for this resource/);
  });

  it.each([
    ['JWT', /typ header must be at\+jwt/],
    [undefined, /typ header must be at\+jwt/],
  ])('refuses a correctly signed token whose typ is %s (RFC 9068 §4)', async (typ, description) => {
    const { kid, key } = await serverSigningKey(tessera.store, tessera.secrets);
    const header = typ === undefined ? { alg: 'ES256', kid } : { alg: 'ES256', typ, kid };
    const token = await signAccessToken(accessTokenClaims(tessera.issuer, tessera.config.settings.audience), key, header);
    expectInvalidToken(await call(url(), `Bearer ${token}`), description);
  });

  it.each(['client_id', 'jti', 'sub', 'iat', 'exp'])('refuses a correctly signed token without %s (RFC 9068 §2.2)', async (claim) => {
    const { kid, key } = await serverSigningKey(tessera.store, tessera.secrets);
    const claims = accessTokenClaims(tessera.issuer, tessera.config.settings.audience);
    delete claims[claim];
    const token = await signAccessToken(claims, key, { alg: 'ES256', typ: 'at+jwt', kid });
    expectInvalidToken(await call(url(), `Bearer ${token}`), new RegExp(`lacks the ${claim} claim`));
  });

  it('refuses an opaque token the server does not know (introspection: inactive)', async () => {
    expectInvalidToken(await call(url(), 'Bearer tsr_at_not-a-token-the-server-issued'), /not active/);
  });

  it('accepts an opaque token the server vouches for by introspection', async () => {
    const token = `tsr_at_${Math.random().toString(36).slice(2)}${Date.now()}`;
    await recordOpaqueToken(tessera.store, token, tessera.config.settings.audience);
    const answer = await call(url(), `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.body.token).toMatchObject({ subject: SERVICE.client_id, scopes: ['read'], verifiedBy: 'introspection', issuer: tessera.issuer });
  });

  it('refuses an opaque token the server shows as a refresh token', async () => {
    const token = `tsr_rt_${Math.random().toString(36).slice(2)}${Date.now()}`;
    // Refresh tokens are shown only to their own client, so record it as the resource server's.
    await recordOpaqueToken(tessera.store, token, tessera.config.settings.audience, { kind: 'refresh_token', clientId: RESOURCE_SERVER.client_id });
    expectInvalidToken(await call(url(), `Bearer ${token}`), /not a Bearer access token/);
  });
});

describe('Fastify plugin specifics', () => {
  it('leaves accessToken null on routes without requireToken', async () => {
    const response = await fetch(`${fastifyUrl}/public`);
    expect(await response.json()).toEqual({ token: null });
  });

  it('works on routes with typed generics and no required scope', async () => {
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const response = await fetch(`${fastifyUrl}/orders`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 7 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 7 });
  });

  it('creates its own verifier from options, and refuses a scope list that cannot match at start', async () => {
    const app = Fastify({ logger: false });
    await app.register(fastifyBearerAuth, { issuer: tessera.issuer, audience: tessera.config.settings.audience });
    expect(() => app.requireToken(['read write'])).toThrow(TypeError);
    app.get('/x', { preHandler: app.requireToken(['read']) }, async (request) => ({ sub: request.accessToken?.subject }));
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const response = await app.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${token}` } });
    expect(response.json()).toEqual({ sub: SERVICE.client_id });
    await app.close();
  });

  it('answers 503 (not a crash, not 401) when the authorization server is down', async () => {
    const app = Fastify({ logger: false });
    await app.register(fastifyBearerAuth, { issuer: 'http://127.0.0.1:9', audience: 'https://api.example', realm: 'api' });
    app.get('/x', { preHandler: app.requireToken([]) }, async () => ({ ok: true }));
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const response = await app.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    await app.close();
  });
});

describe('Express-style middleware specifics', () => {
  it('hands an unexpected error to next(error) instead of answering', async () => {
    const failing: BearerVerifier = {
      issuer: tessera.issuer, audience: 'x', verify: () => Promise.reject(new Error('bug')),
    };
    const middleware = requireToken(failing, []);
    const seen = await new Promise<unknown>((resolve) => {
      middleware({ headers: {} }, { statusCode: 0, setHeader: () => undefined, end: () => resolve('answered') }, resolve);
    });
    expect(seen).toBeInstanceOf(Error);
  });

  it('refuses a scope list that cannot match at start', () => {
    expect(() => requireToken(verifier, ['read write'])).toThrow(TypeError);
  });
});
