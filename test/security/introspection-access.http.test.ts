import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 6: any confidential client could introspect any token and learn its
// sub, scope, client_id and aud. RFC 7662 §4: the server decides whether the token may be used
// at the caller. Introspection now answers `active: true` only to the token's own client and to
// a client registered to introspect for a resource server the token is meant for (its aud);
// everyone else gets `{"active": false}`, as for an unknown token.

const API_A = 'https://api-a.example';
const API_B = 'https://api-b.example';
const ANN = { username: 'ann', password: 'ann-password' };
const SECRETS: Record<string, string> = {
  'app-a': 'app-a-secret', 'app-b': 'app-b-secret', 'frame-a': 'frame-a-secret', 'no-audience': 'no-audience-secret',
  'api-a-gateway': 'api-a-gateway-secret', 'api-b-gateway': 'api-b-gateway-secret',
};
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'app-a', client_secret: SECRETS['app-a'], grant_types: ['client_credentials'], scope: 'read write', resources: [API_A] },
      // The attacker: any other confidential client of the same server.
      { client_id: 'app-b', client_secret: SECRETS['app-b'], grant_types: ['client_credentials'], scope: 'read', resources: [API_B] },
      { client_id: 'frame-a', client_secret: SECRETS['frame-a'], grant_types: ['password', 'refresh_token'], scope: 'read', resources: [API_A] },
      { client_id: 'no-audience', client_secret: SECRETS['no-audience'], grant_types: ['client_credentials'], scope: 'read' },
      // The APIs' own credentials: they only introspect.
      { client_id: 'api-a-gateway', client_secret: SECRETS['api-a-gateway'], grant_types: [] },
      { client_id: 'api-b-gateway', client_secret: SECRETS['api-b-gateway'], grant_types: [] },
    ],
    users: [ANN],
    resources: [
      { resource: API_A, scope: 'read write', introspection_clients: ['api-a-gateway'] },
      { resource: API_B, introspection_clients: ['api-b-gateway'] },
    ],
  });
});
afterAll(async () => server?.close());

async function token(clientId: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await postForm(`${server.issuer}/token`, new URLSearchParams(form).toString(), { authorization: basic(clientId, SECRETS[clientId] as string) });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json;
}

async function introspect(callerId: string, value: string): Promise<Record<string, unknown>> {
  const response = await postForm(`${server.issuer}/introspect`, new URLSearchParams({ token: value }).toString(), { authorization: basic(callerId, SECRETS[callerId] as string) });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.json;
}

const accessTokenOf = async (clientId: string) => (await token(clientId, { grant_type: 'client_credentials' })).access_token as string;

describe('introspection answers only those the token may be used at (RFC 7662 §4)', () => {
  it("another confidential client gets {active: false} for client A's access token, and learns none of its claims", async () => {
    const accessToken = await accessTokenOf('app-a');
    expect(await introspect('app-b', accessToken)).toEqual({ active: false });
  });

  it('the answer is the same as for a token that does not exist', async () => {
    const accessToken = await accessTokenOf('app-a');
    expect(await introspect('app-b', accessToken)).toEqual(await introspect('app-b', 'tsr_at_no-such-token'));
  });

  it('the introspection client of the API the token is meant for sees it active, with its claims', async () => {
    const accessToken = await accessTokenOf('app-a');
    const answer = await introspect('api-a-gateway', accessToken);
    expect(answer).toMatchObject({ active: true, client_id: 'app-a', aud: API_A, scope: 'read write', token_type: 'Bearer', sub: 'app-a', iss: server.issuer });
  });

  it("the introspection client of another API learns nothing about API A's token", async () => {
    const accessToken = await accessTokenOf('app-a');
    expect(await introspect('api-b-gateway', accessToken)).toEqual({ active: false });
    // ...while it does see the tokens meant for its own API.
    expect(await introspect('api-b-gateway', await accessTokenOf('app-b'))).toMatchObject({ active: true, aud: API_B, client_id: 'app-b' });
  });

  it('the client the token was issued to still introspects it', async () => {
    const accessToken = await accessTokenOf('app-a');
    expect(await introspect('app-a', accessToken)).toMatchObject({ active: true, client_id: 'app-a', aud: API_A });
  });

  it('a token for an unregistered audience is shown to its own client only', async () => {
    const accessToken = await accessTokenOf('no-audience');
    expect(await introspect('no-audience', accessToken)).toMatchObject({ active: true, aud: server.issuer });
    for (const caller of ['app-a', 'app-b', 'api-a-gateway', 'api-b-gateway']) {
      expect(await introspect(caller, accessToken), caller).toEqual({ active: false });
    }
  });

  it("a user's tokens: the API's introspection client sees the access token, never the refresh token", async () => {
    const issued = await token('frame-a', { grant_type: 'password', ...ANN });
    const user = await server.store.users.getByUsername(ANN.username);
    expect(await introspect('api-a-gateway', issued.access_token as string)).toMatchObject({ active: true, sub: user?.id, client_id: 'frame-a' });
    expect(await introspect('api-a-gateway', issued.refresh_token as string)).toEqual({ active: false });
    expect(await introspect('app-b', issued.access_token as string)).toEqual({ active: false });
    expect(await introspect('frame-a', issued.refresh_token as string)).toMatchObject({ active: true, token_type: 'refresh_token' });
  });

  it('a client taken off the list, or an API deleted, sees the token inactive from then on', async () => {
    const accessToken = await accessTokenOf('app-a');
    const registered = await server.store.resources.get(API_A);
    if (!registered) throw new Error('API A is not registered');
    try {
      await server.store.resources.upsert({ ...registered, introspectionClients: [] });
      expect(await introspect('api-a-gateway', accessToken)).toEqual({ active: false });
      await server.store.resources.delete(API_A);
      expect(await introspect('api-a-gateway', accessToken)).toEqual({ active: false });
    } finally {
      await server.store.resources.upsert(registered);
    }
    expect(await introspect('api-a-gateway', accessToken)).toMatchObject({ active: true });
  });
});
