import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// Security review finding 2: a client registered without a scope never got a consent page
// ([].every() is true), so any page could send a signed-in user there and the client silently got
// a code and the user's sub. Finding 11 (part): consents are keyed on (user, client, audience,
// scopes); finding 12: the user can withdraw a consent, which revokes that grant's tokens.

const ANN = { username: 'ann', password: 'ann-password' };
const CB = 'https://noscope.example/cb';
const API_A = 'https://api-a.example';
const API_B = 'https://api-b.example';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'noscope', client_name: 'No Scope', client_secret: 'noscope-secret', grant_types: ['authorization_code'], redirect_uris: [CB] },
      { client_id: 'multi', client_name: 'Multi API', client_secret: 'multi-secret', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CB], scope: 'read', resources: [API_A, API_B] },
    ],
    users: [ANN],
  });
});
afterAll(async () => server?.close());

const request = (client: string, extra: Record<string, string> = {}) => `/authorize?${new URLSearchParams({ response_type: 'code', client_id: client, redirect_uri: CB, ...extra })}`;

/** Signs in without answering any consent page, and returns what /authorize does next. */
async function signedInAgent(): Promise<UserAgent> {
  const agent = new UserAgent(server.issuer);
  const page = await agent.request('/login');
  const signIn = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: '/', ...ANN } });
  expect(signIn.status).toBe(303);
  return agent;
}

describe('no consent record means the consent page', () => {
  it('a client registered without a scope gets the page, not a silent code', async () => {
    const agent = await signedInAgent();
    const response = await agent.request(request('noscope'));
    expect(response.status).toBe(200);
    expect(response.body).toContain('action="/consent"');
  });

  it('once allowed, the same empty-scope request goes through', async () => {
    const agent = new UserAgent(server.issuer);
    const first = await authorizeAs(agent, request('noscope'), ANN);
    expect(first.searchParams.get('code')).toBeTruthy();
    expect((await agent.request(request('noscope'))).status).toBe(303);
  });

  it('consent for one audience does not cover another', async () => {
    const agent = new UserAgent(server.issuer);
    await authorizeAs(agent, request('multi', { resource: API_A }), ANN);
    expect((await agent.request(request('multi', { resource: API_A }))).status).toBe(303);
    const other = await agent.request(request('multi', { resource: API_B }));
    expect(other.status).toBe(200);
    expect(other.body).toContain('action="/consent"');
  });
});

describe('withdrawing consent on the account page', () => {
  it('lists the application, and withdrawing revokes its tokens and brings the consent page back', async () => {
    const agent = new UserAgent(server.issuer);
    const back = await authorizeAs(agent, request('multi'), ANN);
    const tokens = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: CB }).toString(), { authorization: basic('multi', 'multi-secret') });
    expect(tokens.status).toBe(200);

    const account = await agent.request('/account');
    expect(account.status).toBe(200);
    expect(account.body).toContain('Multi API');
    const withdraw = await agent.request('/account/withdraw', { form: { csrf_token: hiddenField(account.body, 'csrf_token'), client_id: 'multi' } });
    expect(withdraw.status).toBe(303);
    const after = await agent.request('/account?withdrawn=1');
    expect(after.body).not.toContain('Multi API');

    const introspected = await postForm(`${server.issuer}/introspect`, `token=${tokens.json.access_token as string}`, { authorization: basic('multi', 'multi-secret') });
    expect(introspected.json).toEqual({ active: false });
    const refreshed = await postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${tokens.json.refresh_token as string}`, { authorization: basic('multi', 'multi-secret') });
    expect(refreshed.json.error).toBe('invalid_grant');
    expect((await agent.request(request('multi'))).body).toContain('action="/consent"');
  });

  it('refuses a withdrawal without the CSRF token', async () => {
    const agent = await signedInAgent();
    const response = await agent.request('/account/withdraw', { form: { client_id: 'multi' } });
    expect(response.status).toBe(403);
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const response = await new UserAgent(server.issuer).request('/account');
    expect(response.status).toBe(303);
    expect(response.location).toBe('/login');
  });
});
