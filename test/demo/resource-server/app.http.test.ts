import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../../src/core/client-metadata.js';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from '../../../src/demo/demo-seed.js';
import { discover, insecure } from '../../helpers/oauth-client.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';

let demo: TestDemo;
let as: oauth.AuthorizationServer;
let api: string;

beforeAll(async () => {
  demo = await startTestDemo();
  as = await discover(demo.urls.authorizationServer);
  api = `${demo.urls.resourceServer}/api/resources`;
});

afterAll(async () => {
  await demo?.close();
});

const service = PLAYGROUND_CLIENTS.clientCredentials;
const intranet = PLAYGROUND_CLIENTS.password;

/** A client credentials token of the demo's service; `resource` picks the audience (RFC 8707), null for the default one. */
async function serviceToken(scope: string, resource: string | null = demo.urls.resourceServer): Promise<string> {
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: service.clientId }, oauth.ClientSecretBasic(service.clientSecret),
    { scope, ...(resource ? { resource } : {}) }, insecure);
  return (await oauth.processClientCredentialsResponse(as, { client_id: service.clientId }, response)).access_token;
}

/** A valid token of the same authorization server, meant for another API: a client registered for that API only. */
async function otherAudienceToken(): Promise<string> {
  const other = { client_id: 'elsewhere-service', client_secret: 'elsewhere-service-secret' };
  await demo.store.clients.upsert(clientFromMetadata({
    ...other, grant_types: ['client_credentials'], scope: 'read', resources: ['https://elsewhere.example'],
  }, demo.clock.nowSeconds(), demo.hashing));
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: other.client_id }, oauth.ClientSecretBasic(other.client_secret), { scope: 'read' }, insecure);
  return (await oauth.processClientCredentialsResponse(as, { client_id: other.client_id }, response)).access_token;
}

async function userToken(user: { username: string; password: string }, scope = 'read'): Promise<string> {
  const response = await oauth.genericTokenEndpointRequest(as, { client_id: intranet.clientId }, oauth.ClientSecretBasic(intranet.clientSecret), 'password',
    { username: user.username, password: user.password, scope, resource: demo.urls.resourceServer }, insecure);
  return (await oauth.processGenericTokenEndpointResponse(as, { client_id: intranet.clientId }, response)).access_token;
}

async function call(init: { token?: string; authorization?: string; method?: string; body?: unknown; origin?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  if (init.origin !== undefined) headers.origin = init.origin;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(api, { method: init.method ?? 'GET', headers, body: init.body === undefined ? null : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

function realm(): string {
  return `Bearer realm="${demo.urls.resourceServer}"`;
}

describe('the demo Resource Server (RFC 6750)', () => {
  it('200: a client credentials token reads the client\'s own resources', async () => {
    const response = await call({ token: await serviceToken('read') });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.json.owner).toEqual({ type: 'client', id: service.clientId });
    expect((response.json.resources as { title: string }[]).map((r) => r.title)).toContain('Backup report: last night');
  });

  it('200: a user token reads that user\'s resources, and only theirs', async () => {
    const alice = await call({ token: await userToken(DEMO_USERS[0]!) });
    const bob = await call({ token: await userToken(DEMO_USERS[1]!) });
    expect(alice.status).toBe(200);
    expect(alice.json.owner).toMatchObject({ type: 'user' });
    const titles = (body: Record<string, unknown>) => (body.resources as { title: string }[]).map((r) => r.title);
    expect(titles(alice.json)).toContain('Holiday photos: Lisbon');
    expect(titles(bob.json)).toContain('Blueprint: garden shed');
    expect(titles(bob.json)).not.toContain('Holiday photos: Lisbon');
  });

  it('401 bare challenge: no Authorization header, no error code (RFC 6750 §3.1)', async () => {
    const response = await call();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(realm());
    expect(response.json.error).toBeUndefined();
  });

  it('401 invalid_token: a garbage token, a non-JWT, a token for another audience', async () => {
    for (const token of ['eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'not-a-jwt', await otherAudienceToken()]) {
      const response = await call({ token });
      expect(response.status, token).toBe(401);
      expect(response.json.error).toBe('invalid_token');
      expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`^${realm().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, error="invalid_token", error_description="`));
    }
  });

  it('403 insufficient_scope: a valid token without write, naming the scope needed', async () => {
    const response = await call({ token: await serviceToken('read'), method: 'POST', body: { title: 'nope' } });
    expect(response.status).toBe(403);
    expect(response.json.error).toBe('insufficient_scope');
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="write"');
  });

  it('201: a write token adds a resource that the next GET lists; a bad body is 400', async () => {
    const token = await serviceToken('read write');
    const created = await call({ token, method: 'POST', body: { title: '  Backup report: today  ' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: 'Backup report: today', created_by: service.clientId });
    const listed = await call({ token });
    expect((listed.json.resources as { id: string }[]).map((r) => r.id)).toContain(created.json.id);
    expect((await call({ token, method: 'POST', body: { title: '' } })).status).toBe(400);
    expect((await call({ token, method: 'POST', body: { name: 'x' } })).json.error).toBe('invalid_request');
  });

  it('401 invalid_token for an expired token (not 403, whatever the tutorial says)', async () => {
    const token = await serviceToken('read');
    expect((await call({ token })).status).toBe(200);
    demo.clock.advance(demo.accessTokenTtl);
    const expired = await call({ token });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error: 'invalid_token', error_description: 'The access token has expired.' });
    expect(expired.headers.get('www-authenticate')).toBe(`${realm()}, error="invalid_token", error_description="The access token has expired."`);
  });

  it('CORS: the playground\'s origin may call from a browser, no other origin may read', async () => {
    const client = new URL(demo.urls.client).origin;
    const preflight = await fetch(api, { method: 'OPTIONS', headers: { 'origin': client, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(client);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const allowed = await call({ token: await serviceToken('read'), origin: client });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(client);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const refused = await call({ origin: 'http://evil.example' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('vary')).toContain('Origin');
    const evilPreflight = await fetch(api, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
