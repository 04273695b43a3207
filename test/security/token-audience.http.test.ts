import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { BearerError, createBearerVerifier, type BearerVerifier } from '../../src/resource/index.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// Security review finding 7: every token defaulted to the issuer as its audience, so every
// resource server configured like the README's example accepted tokens meant for any other API.
// A client's first `resources` entry is now its default audience when a request names none (else
// the server's configured default audience), and a client may only ask for the resources it lists.
// A registered API's scope bounds the scope of the tokens meant for it.

const API_A = 'https://api-a.example';
const API_B = 'https://api-b.example';
const API_C = 'https://api-c.example';
const CB = 'https://web-a.example/cb';
const ANN = { username: 'ann', password: 'ann-password' };
const SECRETS: Record<string, string> = {
  'svc-a': 'svc-a-secret', 'svc-ac': 'svc-ac-secret', 'svc-plain': 'svc-plain-secret', 'svc-wide': 'svc-wide-secret',
  'web-a': 'web-a-secret', 'intranet-a': 'intranet-a-secret', 'frame-b': 'frame-b-secret',
};
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'svc-a', client_secret: SECRETS['svc-a'], grant_types: ['client_credentials'], scope: 'read write', resources: [API_A] },
      { client_id: 'svc-ac', client_secret: SECRETS['svc-ac'], grant_types: ['client_credentials'], scope: 'read', resources: [API_A, API_C] },
      { client_id: 'svc-plain', client_secret: SECRETS['svc-plain'], grant_types: ['client_credentials'], scope: 'read' },
      { client_id: 'svc-wide', client_secret: SECRETS['svc-wide'], grant_types: ['client_credentials'], scope: 'read write admin', resources: [API_B] },
      { client_id: 'web-a', client_secret: SECRETS['web-a'], grant_types: ['authorization_code'], redirect_uris: [CB], scope: 'read', resources: [API_A] },
      { client_id: 'intranet-a', client_secret: SECRETS['intranet-a'], grant_types: ['password'], scope: 'read', resources: [API_A] },
      { client_id: 'frame-b', client_secret: SECRETS['frame-b'], grant_types: ['password', 'refresh_token'], scope: 'read write admin', resources: [API_B] },
    ],
    users: [ANN],
    resources: [{ resource: API_A }, { resource: API_B, scope: 'read write' }],
  });
});
afterAll(async () => server?.close());

async function tokenRequest(clientId: string, form: Record<string, string>) {
  return postForm(`${server.issuer}/token`, new URLSearchParams(form).toString(), { authorization: basic(clientId, SECRETS[clientId] as string) });
}

async function accessToken(clientId: string, form: Record<string, string> = { grant_type: 'client_credentials' }): Promise<string> {
  const response = await tokenRequest(clientId, form);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json.access_token as string;
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
}

/** An API protected with tessera/resource, configured with its own identifier as audience. */
function verifierFor(audience: string): BearerVerifier {
  return createBearerVerifier({ issuer: server.issuer, audience, clock: server.clock, clockToleranceSeconds: 0 });
}

async function refusal(verifier: BearerVerifier, token: string): Promise<BearerError> {
  const error = await verifier.verify(`Bearer ${token}`, []).then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof BearerError)) throw new Error(`expected the verifier to refuse the token, got ${String(error)}`);
  return error;
}

describe('each API gets tokens meant for it alone', () => {
  it("a token asked for without `resource` is for the client's first resource: API A accepts it, API B refuses it", async () => {
    const token = await accessToken('svc-a');
    expect(claimsOf(token).aud).toBe(API_A);
    expect((await verifierFor(API_A).verify(`Bearer ${token}`, ['read'])).clientId).toBe('svc-a');
    const refused = await refusal(verifierFor(API_B), token);
    expect(refused.status).toBe(401);
    expect(refused.error).toBe('invalid_token');
    // Nor does an API configured with the issuer as its audience (the README's former example) accept it.
    expect((await refusal(verifierFor(server.issuer), token)).error).toBe('invalid_token');
  });

  it("the same for a user's token from the authorization code flow", async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const callback = await authorizeAs(new UserAgent(server.issuer), `/authorize?${new URLSearchParams({
      response_type: 'code', client_id: 'web-a', redirect_uri: CB, scope: 'read', state: 'st',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    })}`, ANN);
    const code = callback.searchParams.get('code');
    expect(code, callback.toString()).toBeTruthy();
    const token = await accessToken('web-a', { grant_type: 'authorization_code', code: code as string, redirect_uri: CB, code_verifier: verifier });
    expect(claimsOf(token).aud).toBe(API_A);
    await expect(verifierFor(API_A).verify(`Bearer ${token}`, ['read'])).resolves.toMatchObject({ clientId: 'web-a' });
    expect((await refusal(verifierFor(API_B), token)).error).toBe('invalid_token');
  });

  it("and for the password grant", async () => {
    const token = await accessToken('intranet-a', { grant_type: 'password', ...ANN });
    expect(claimsOf(token).aud).toBe(API_A);
  });

  it('a resource the client lists is chosen with `resource` (RFC 8707)', async () => {
    expect(claimsOf(await accessToken('svc-ac', { grant_type: 'client_credentials', resource: API_C })).aud).toBe(API_C);
    expect(claimsOf(await accessToken('svc-ac')).aud).toBe(API_A);
  });

  it('a resource the client does not list is refused with invalid_target', async () => {
    const response = await tokenRequest('svc-a', { grant_type: 'client_credentials', resource: API_B });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_target');
    expect(response.json).not.toHaveProperty('access_token');
  });

  it("a client that lists no resource gets the server's configured default audience", async () => {
    expect(claimsOf(await accessToken('svc-plain')).aud).toBe(server.config.settings.audience);
  });
});

describe("a registered API's scope bounds its tokens", () => {
  it('a request without scope gets what both the client and the API allow', async () => {
    const response = await tokenRequest('svc-wide', { grant_type: 'client_credentials' });
    expect(response.json.scope).toBe('read write');
    expect(claimsOf(response.json.access_token as string)).toMatchObject({ aud: API_B, scope: 'read write' });
  });

  it("a scope the client may have but the API does not define is refused with invalid_scope", async () => {
    const response = await tokenRequest('svc-wide', { grant_type: 'client_credentials', scope: 'read admin' });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_scope');
  });

  it("narrowing the API's scope narrows what its refresh tokens yield from their next use", async () => {
    const issued = await tokenRequest('frame-b', { grant_type: 'password', ...ANN });
    expect(issued.json.scope).toBe('read write');
    const registered = await server.store.resources.get(API_B);
    if (!registered) throw new Error('API B is not registered');
    await server.store.resources.upsert({ ...registered, scope: ['read'] });
    try {
      const refreshed = await tokenRequest('frame-b', { grant_type: 'refresh_token', refresh_token: issued.json.refresh_token as string });
      expect(refreshed.status, JSON.stringify(refreshed.json)).toBe(200);
      expect(refreshed.json.scope).toBe('read');
      expect(claimsOf(refreshed.json.access_token as string)).toMatchObject({ aud: API_B, scope: 'read' });
    } finally {
      await server.store.resources.upsert(registered);
    }
  });

  it('an API registered without scope leaves the client scope as it is', async () => {
    const response = await tokenRequest('svc-a', { grant_type: 'client_credentials' });
    expect(response.json.scope).toBe('read write');
  });
});

describe('tessera demo: the default audience is the demo Resource Server', () => {
  let demo: TestDemo;
  beforeAll(async () => { demo = await startTestDemo(); });
  afterAll(async () => demo?.close());

  async function callApi(token: string): Promise<number> {
    return (await fetch(`${demo.urls.resourceServer}/api/resources`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  async function demoToken(clientId: string, secret: string): Promise<string> {
    // The tutorial's way: curl -u ID:SECRET -d grant_type=client_credentials, no resource.
    const response = await postForm(`${demo.urls.authorizationServer}/token`, 'grant_type=client_credentials', { authorization: basic(clientId, secret) });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return response.json.access_token as string;
  }

  it('a client_credentials token asked for without `resource` works at the demo Resource Server', async () => {
    const token = await demoToken('playground-service', 'playground-service-secret');
    expect(claimsOf(token).aud).toBe(demo.urls.resourceServer);
    expect(await callApi(token)).toBe(200);
  });

  it('so does the token of a client added without resources', async () => {
    await demo.store.clients.upsert(clientFromMetadata({
      client_id: 'added-later', client_secret: 'added-later-secret', grant_types: ['client_credentials'], scope: 'read',
    }, demo.clock.nowSeconds(), demo.hashing));
    const token = await demoToken('added-later', 'added-later-secret');
    expect(claimsOf(token).aud).toBe(demo.urls.resourceServer);
    expect(await callApi(token)).toBe(200);
  });
});
