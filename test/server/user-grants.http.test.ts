import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, discover, insecure, postForm } from '../helpers/oauth-client.js';
import { LoginThrottle } from '../../src/core/login-throttle.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

const CB = 'https://app.example.com/callback';
const WEB = { client_id: 'web', client_name: 'Photo Printer', client_secret: 'web-secret', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CB, 'https://app.example.com/other'], scope: 'read write' };
const SPA = { client_id: 'spa', client_name: 'Single Page', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:5173/cb'], scope: 'read' };
const LEGACY = { client_id: 'legacy', client_name: 'Legacy SPA', token_endpoint_auth_method: 'none', grant_types: ['implicit'], redirect_uris: ['https://legacy.example.com/cb'], scope: 'read' };
const FIRST = { client_id: 'first', client_name: 'First Party', client_secret: 'first-secret', grant_types: ['authorization_code', 'password', 'refresh_token'], redirect_uris: [CB], scope: 'read write', skip_consent: true };
const M2M = { client_id: 'm2m', client_secret: 'm2m-secret', grant_types: ['client_credentials'], scope: 'read' };
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const BOB = { username: 'bob', password: 'bob-password-1' };

let server: RunningServer;
let as: oauth.AuthorizationServer;
let tokenUrl: string;

beforeAll(async () => {
  server = await startServer({ clients: [WEB, SPA, LEGACY, FIRST, M2M], users: [ALICE, BOB] });
  // M2M plays the API these tokens are for (the server's default audience): it may introspect them (RFC 7662 §4).
  await server.store.resources.upsert({ resource: server.config.settings.audience, scope: [], introspectionClients: [M2M.client_id], createdAt: 0 });
  as = await discover(server.issuer);
  tokenUrl = `${server.issuer}/token`;
});
afterAll(async () => server.close());

function authorizeUrl(params: Record<string, string>): string {
  return `/authorize?${new URLSearchParams(params).toString()}`;
}

/** A full code flow for `client` as `user`; returns the callback URL and the PKCE verifier. */
async function codeFlow(client: { client_id: string; redirect_uris: string[] }, user = ALICE, extra: Record<string, string> = {}, agent = new UserAgent(server.issuer)) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const callback = await authorizeAs(agent, authorizeUrl({
    client_id: client.client_id, redirect_uri: client.redirect_uris[0] as string, response_type: 'code', scope: 'read', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  }), user);
  return { callback, verifier, state, agent };
}

async function redeem(client: { client_id: string; client_secret?: string; redirect_uris: string[] }, callback: URL, verifier: string | typeof oauth.nopkce, state: string) {
  const params = oauth.validateAuthResponse(as, { client_id: client.client_id }, callback, state);
  const auth = client.client_secret ? oauth.ClientSecretBasic(client.client_secret) : oauth.None();
  const response = await oauth.authorizationCodeGrantRequest(as, { client_id: client.client_id }, auth, params, client.redirect_uris[0] as string, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, { client_id: client.client_id }, response);
}

async function introspect(token: string): Promise<boolean> {
  const response = await postForm(`${server.issuer}/introspect`, `token=${encodeURIComponent(token)}`, { authorization: basic(M2M.client_id, M2M.client_secret) });
  return response.json.active as boolean;
}

describe('metadata for the user grants', () => {
  it('advertises the authorization endpoint, S256 only and iss in responses', () => {
    expect(as.authorization_endpoint).toBe(`${server.issuer}/authorize`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.response_types_supported).toEqual(['code', 'token']);
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'implicit', 'password', 'refresh_token', 'client_credentials']));
  });
});

describe('authorization code with PKCE', () => {
  it('runs end to end for a confidential client, with iss and state, and tokens oauth4webapi accepts', async () => {
    const { callback, verifier, state } = await codeFlow(WEB);
    expect(callback.origin + callback.pathname).toBe(CB);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await redeem(WEB, callback, verifier, state);
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toMatch(/^tsr_rt_/);
    const claims = await oauth.validateJwtAccessToken(as, new Request('http://x/', { headers: { authorization: `Bearer ${tokens.access_token}` } }), server.issuer, insecure);
    expect(claims.client_id).toBe('web');
    const alice = await server.store.users.getByUsername('alice');
    expect(claims.sub).toBe(alice?.id);
  });

  it('runs end to end for a public client (PKCE, no secret)', async () => {
    const { callback, verifier, state } = await codeFlow(SPA);
    const tokens = await redeem(SPA, callback, verifier, state);
    expect(tokens.access_token).toBeTruthy();
  });

  it('remembers consent: the second authorization skips the page', async () => {
    const agent = new UserAgent(server.issuer);
    await codeFlow(WEB, BOB, {}, agent);
    const again = await agent.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read', state: 's' }));
    expect(again.status).toBe(303);
    expect(new URL(again.location as string).searchParams.get('code')).toMatch(/^tsr_ac_/);
    const wider = await agent.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read write', state: 's' }));
    expect(wider.status).toBe(200);
    expect(wider.body).toContain('action="/consent"');
  });

  it('skips consent for a first-party client', async () => {
    const agent = new UserAgent(server.issuer);
    const first = await agent.request(authorizeUrl({ client_id: 'first', response_type: 'code', scope: 'read', state: 'x' }));
    const signIn = await agent.request('/login', { form: { csrf_token: hiddenField(first.body, 'csrf_token'), return_to: hiddenField(first.body, 'return_to'), ...ALICE } });
    const final = await agent.request(signIn.location as string);
    expect(final.status).toBe(303);
    expect(final.location).toContain('code=');
  });

  it('sends access_denied back when the user denies', async () => {
    const callback = await authorizeAs(new UserAgent(server.issuer), authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'write', state: 'st' }), ALICE, 'deny');
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({ error: 'access_denied', state: 'st', iss: server.issuer });
  });

  it('accepts a confidential client without PKCE but refuses a code_verifier for a code issued without a challenge', async () => {
    const agent = new UserAgent(server.issuer);
    const callback = await authorizeAs(agent, authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read', state: 'a' }), ALICE);
    const code = callback.searchParams.get('code') as string;
    const response = await postForm(tokenUrl, `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${'a'.repeat(43)}`, { authorization: basic('web', 'web-secret') });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_grant');
    const second = await authorizeAs(agent, authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read', state: 'b' }), ALICE);
    expect((await redeem(WEB, second, oauth.nopkce, 'b')).access_token).toBeTruthy();
  });

  const tokenErrors: [string, (c: { code: string; verifier: string }) => [string, Record<string, string>]][] = [
    ['a wrong code_verifier', ({ code }) => [`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${'b'.repeat(43)}`, { authorization: basic('web', 'web-secret') }]],
    ['a missing code_verifier', ({ code }) => [`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(CB)}`, { authorization: basic('web', 'web-secret') }]],
    ['a different redirect_uri', ({ code, verifier }) => [`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('https://app.example.com/other')}&code_verifier=${verifier}`, { authorization: basic('web', 'web-secret') }]],
    ['a missing redirect_uri', ({ code, verifier }) => [`grant_type=authorization_code&code=${code}&code_verifier=${verifier}`, { authorization: basic('web', 'web-secret') }]],
    ['another client', ({ code, verifier }) => [`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`, { authorization: basic('first', 'first-secret') }]],
    ['an unknown code', ({ verifier }) => [`grant_type=authorization_code&code=tsr_ac_nope&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`, { authorization: basic('web', 'web-secret') }]],
  ];
  for (const [name, build] of tokenErrors) {
    it(`refuses ${name} with invalid_grant`, async () => {
      const { callback, verifier } = await codeFlow(WEB);
      const [body, headers] = build({ code: callback.searchParams.get('code') as string, verifier });
      const response = await postForm(tokenUrl, body, headers);
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('invalid_grant');
    });
  }

  it('refuses an expired code', async () => {
    const { callback, verifier, state } = await codeFlow(WEB);
    server.clock.advance(server.config.settings.codeTtl + 1);
    try {
      await expect(redeem(WEB, callback, verifier, state)).rejects.toMatchObject({ error: 'invalid_grant' });
    } finally {
      server.clock.advance(-(server.config.settings.codeTtl + 1));
    }
  });

  it('refuses a replayed code and revokes the tokens issued from it', async () => {
    const { callback, verifier, state } = await codeFlow(WEB);
    const tokens = await redeem(WEB, callback, verifier, state);
    expect(await introspect(tokens.access_token)).toBe(true);
    await expect(redeem(WEB, callback, verifier, state)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await introspect(tokens.access_token)).toBe(false);
    const refresh = await postForm(tokenUrl, `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`, { authorization: basic('web', 'web-secret') });
    expect(refresh.json.error).toBe('invalid_grant');
  });

  it('lets exactly one of 20 parallel redemptions of one code succeed', async () => {
    const { callback, verifier } = await codeFlow(WEB);
    const body = `grant_type=authorization_code&code=${callback.searchParams.get('code')}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => postForm(tokenUrl, body, { authorization: basic('web', 'web-secret') })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.json.error === 'invalid_grant')).toHaveLength(19);
  });
});

describe('authorization request errors', () => {
  const pageErrors: [string, Record<string, string>][] = [
    ['an unknown client', { client_id: 'ghost', redirect_uri: CB, response_type: 'code' }],
    ['a missing client_id', { redirect_uri: CB, response_type: 'code' }],
    ['an unregistered redirect URI', { client_id: 'web', redirect_uri: 'https://evil.example/cb', response_type: 'code' }],
    ['a redirect URI that only starts like a registered one', { client_id: 'web', redirect_uri: `${CB}/../x`, response_type: 'code' }],
    ['a redirect URI with another query', { client_id: 'web', redirect_uri: `${CB}?next=evil`, response_type: 'code' }],
    ['no redirect URI when several are registered', { client_id: 'web', response_type: 'code' }],
  ];
  for (const [name, params] of pageErrors) {
    it(`shows an error page and never redirects for ${name}`, async () => {
      const response = await new UserAgent(server.issuer).request(authorizeUrl(params));
      expect(response.status).toBe(400);
      expect(response.location).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.body).toMatch(/role="alert"/);
    });
  }

  const redirectErrors: [string, Record<string, string>, string][] = [
    ['a missing response_type', { client_id: 'web', redirect_uri: CB }, 'invalid_request'],
    ['an unknown response_type', { client_id: 'web', redirect_uri: CB, response_type: 'id_token' }, 'unsupported_response_type'],
    ['response_type=token for a client not allowed implicit', { client_id: 'web', redirect_uri: CB, response_type: 'token' }, 'unauthorized_client'],
    ['a scope the client may not have', { client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'admin' }, 'invalid_scope'],
    ['a public client without PKCE', { client_id: 'spa', redirect_uri: SPA.redirect_uris[0] as string, response_type: 'code' }, 'invalid_request'],
    ['PKCE plain', { client_id: 'web', redirect_uri: CB, response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE with no method (plain by default)', { client_id: 'web', redirect_uri: CB, response_type: 'code', code_challenge: 'a'.repeat(43) }, 'invalid_request'],
    ['a malformed code_challenge', { client_id: 'web', redirect_uri: CB, response_type: 'code', code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
  ];
  for (const [name, params, error] of redirectErrors) {
    it(`redirects ${error} with state and iss for ${name}`, async () => {
      const response = await new UserAgent(server.issuer).request(authorizeUrl({ ...params, state: 'xyz' }));
      expect(response.status).toBe(303);
      const location = new URL(response.location as string);
      const values = response.location?.includes('#') ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
      expect(Object.fromEntries(values)).toMatchObject({ error, state: 'xyz', iss: server.issuer });
      expect(values.get('error_description')).toBeTruthy();
    });
  }

  it('redirects invalid_request for a repeated parameter', async () => {
    const response = await new UserAgent(server.issuer).request(`/authorize?client_id=web&redirect_uri=${encodeURIComponent(CB)}&response_type=code&scope=read&scope=write`);
    expect(response.status).toBe(303);
    expect(new URL(response.location as string).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('implicit grant', () => {
  it('returns the token in the fragment, never a refresh token', async () => {
    const callback = await authorizeAs(new UserAgent(server.issuer), authorizeUrl({ client_id: 'legacy', redirect_uri: LEGACY.redirect_uris[0] as string, response_type: 'token', scope: 'read', state: 'imp' }), ALICE);
    expect(callback.search).toBe('');
    const fragment = Object.fromEntries(new URLSearchParams(callback.hash.slice(1)));
    expect(fragment).toMatchObject({ token_type: 'Bearer', scope: 'read', state: 'imp', iss: server.issuer, expires_in: String(server.config.settings.accessTokenTtl) });
    expect(fragment).not.toHaveProperty('refresh_token');
    expect(await introspect(fragment.access_token as string)).toBe(true);
  });

  it('refuses response_type=code for the implicit-only client', async () => {
    const response = await new UserAgent(server.issuer).request(authorizeUrl({ client_id: 'legacy', response_type: 'code', state: 's', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }));
    expect(new URL(response.location as string).searchParams.get('error')).toBe('unauthorized_client');
  });
});

describe('password grant', () => {
  const password = (client: string, secret: string, username: string, pw: string, extra = '') =>
    postForm(tokenUrl, `grant_type=password&username=${encodeURIComponent(username)}&password=${encodeURIComponent(pw)}${extra}`, { authorization: basic(client, secret) });

  it('issues tokens with a refresh token to a client allowed it', async () => {
    const response = await password('first', 'first-secret', 'bob', BOB.password, '&scope=read');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect(response.json.refresh_token).toMatch(/^tsr_rt_/);
  });

  it('refuses clients not registered for it', async () => {
    const response = await password('web', 'web-secret', 'bob', BOB.password);
    expect(response.json.error).toBe('unauthorized_client');
  });

  it('says invalid_grant without telling which part was wrong', async () => {
    const wrongPassword = await password('first', 'first-secret', 'bob', 'nope');
    const unknownUser = await password('first', 'first-secret', 'nobody', 'nope');
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.json).toEqual(unknownUser.json);
    expect(wrongPassword.json.error).toBe('invalid_grant');
  });

  it('refuses NUL bytes and control characters as invalid_request, never a 5xx', async () => {
    for (const body of ['grant_type=password&username=a%00b&password=x', 'grant_type=client_credentials&client_id=a%00&client_secret=x']) {
      const response = await postForm(tokenUrl, body, body.includes('client_id') ? {} : { authorization: basic('first', 'first-secret') });
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('invalid_request');
    }
    const basicNul = await postForm(tokenUrl, 'grant_type=client_credentials', { authorization: `Basic ${Buffer.from('a\u0000:b').toString('base64')}` });
    expect(basicNul.status).toBe(401);
  });


});

/** Throttling counts every failure from 127.0.0.1, so it runs on a server of its own. */
describe('password throttling', () => {
  let own: RunningServer;
  beforeAll(async () => {
    own = await startServer({ clients: [FIRST], users: [{ username: 'carol', password: 'carol-password' }, { username: 'frank', password: 'frank-password' }] });
  });
  afterAll(async () => own.close());
  const password = (client: string, secret: string, username: string, pw: string) =>
    postForm(`${own.issuer}/token`, `grant_type=password&username=${encodeURIComponent(username)}&password=${encodeURIComponent(pw)}`, { authorization: basic(client, secret) });

  it('throttles repeated failures of a user at one address with 429 and Retry-After, counted in the store', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await password('first', 'first-secret', 'carol', 'wrong')).status);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    const blocked = await password('first', 'first-secret', 'carol', 'carol-password');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const keys = LoginThrottle.keys('carol', '127.0.0.1');
    expect((await own.store.throttle.get(keys.userAtAddress))?.failures).toBe(5);
    expect((await own.store.throttle.get(keys.user))?.failures).toBe(5);
    // Other addresses are not limited by these failures: test/security/lockout.http.test.ts.
  });

  it('lets no more than 5 of 20 parallel guesses for one user reach the password check', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => password('first', 'first-secret', 'frank', 'guess')));
    expect(results.filter((r) => r.status === 400).length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
  });

});

async function upsertTestUser(username: string, pw: string): Promise<void> {
  const { upsertUser } = await import('../../src/admin/seed.js');
  await upsertUser(server.store, username, pw, server.clock.nowSeconds());
}

describe('refresh token rotation', () => {
  async function freshTokens() {
    const response = await postForm(tokenUrl, `grant_type=password&username=alice&password=${encodeURIComponent(ALICE.password)}&scope=read%20write`, { authorization: basic('first', 'first-secret') });
    return response.json as { access_token: string; refresh_token: string };
  }
  const refresh = (token: string, extra = '', client: readonly [string, string] = ['first', 'first-secret']) =>
    postForm(tokenUrl, `grant_type=refresh_token&refresh_token=${token}${extra}`, { authorization: basic(client[0], client[1]) });

  it('returns a new access token and a new refresh token, and the old one is dead', async () => {
    const first = await freshTokens();
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.json.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.json.scope).toBe('read write');
    const again = await refresh(rotated.json.refresh_token as string);
    expect(again.status).toBe(200);
  });

  it('works through oauth4webapi', async () => {
    const first = await freshTokens();
    const response = await oauth.refreshTokenGrantRequest(as, { client_id: 'first' }, oauth.ClientSecretBasic('first-secret'), first.refresh_token, insecure);
    const result = await oauth.processRefreshTokenResponse(as, { client_id: 'first' }, response);
    expect(result.refresh_token).toMatch(/^tsr_rt_/);
  });

  it('revokes the whole family when a rotated token is presented again after its retry window', async () => {
    const first = await freshTokens();
    const rotated = await refresh(first.refresh_token);
    server.clock.advance(server.config.settings.refreshRetryWindow);
    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect((await refresh(rotated.json.refresh_token as string)).json.error).toBe('invalid_grant');
    expect(await introspect(rotated.json.access_token as string)).toBe(false);
    expect(await introspect(first.access_token)).toBe(false);
  });

  it('may narrow the scope but never widen it; the new refresh token keeps the original scope', async () => {
    const first = await freshTokens();
    const narrowed = await refresh(first.refresh_token, '&scope=read');
    expect(narrowed.json.scope).toBe('read');
    const back = await refresh(narrowed.json.refresh_token as string, '&scope=read%20write');
    expect(back.json.scope).toBe('read write');
    const widened = await refresh(back.json.refresh_token as string, '&scope=read%20admin');
    expect(widened.json.error).toBe('invalid_scope');
  });

  it('is bound to its client and expires', async () => {
    const first = await freshTokens();
    expect((await refresh(first.refresh_token, '', ['web', 'web-secret'])).json.error).toBe('invalid_grant');
    server.clock.advance(server.config.settings.refreshTokenTtl + 1);
    try {
      expect((await refresh(first.refresh_token)).json.error).toBe('invalid_grant');
    } finally {
      server.clock.advance(-(server.config.settings.refreshTokenTtl + 1));
    }
  });

  it('gives all of 20 parallel uses of one refresh token the same new pair, and the grant stays alive', async () => {
    const first = await freshTokens();
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(first.refresh_token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(20);
    expect(new Set(results.map((r) => `${r.json.access_token} ${r.json.refresh_token}`)).size).toBe(1);
    expect((await refresh(results[0]!.json.refresh_token as string)).status).toBe(200);
  });

  it('stores refresh tokens only as keyed hashes', async () => {
    const first = await freshTokens();
    const { legacySha256 } = await import('../../src/core/secret-hash.js');
    expect(await server.store.tokens.find(first.refresh_token)).toBeUndefined();
    expect(await server.store.tokens.find(legacySha256(first.refresh_token))).toBeUndefined();
    expect((await server.store.tokens.find(server.hashing.tokens.hash(first.refresh_token)))?.kind).toBe('refresh_token');
  });
});

describe('pages, sessions and CSRF', () => {
  it('serves pages that cannot be framed or cached, with an HttpOnly SameSite=Lax cookie', async () => {
    const response = await fetch(`${server.issuer}${authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read' })}`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const body = await response.text();
    expect(body).toContain('<label for="username">Username</label>');
    expect(body).toContain('<label for="password">Password</label>');
    expect(body).toContain('>Sign in</button>');
  });

  it('refuses form posts without the CSRF token or from another origin', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read' }));
    const returnTo = hiddenField(page.body, 'return_to');
    expect((await agent.request('/login', { form: { return_to: returnTo, ...ALICE } })).status).toBe(403);
    expect((await agent.request('/login', { form: { csrf_token: 'forged', return_to: returnTo, ...ALICE } })).status).toBe(403);
    expect((await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: returnTo, ...ALICE }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await agent.request('/consent', { form: { request: 'client_id=web', decision: 'allow' } })).status).toBe(403);
  });

  it('shows the consent page with the client name and each scope in words', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read write', state: 's' }));
    const signIn = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), username: 'carol-not', password: 'x' } });
    expect(signIn.status).toBe(401);
    expect(signIn.body).toContain('incorrect');
    const agent2 = new UserAgent(server.issuer);
    await upsertTestUser('dave', 'dave-password');
    const page2 = await agent2.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read write', state: 's' }));
    const ok = await agent2.request('/login', { form: { csrf_token: hiddenField(page2.body, 'csrf_token'), return_to: hiddenField(page2.body, 'return_to'), username: 'dave', password: 'dave-password' } });
    const consent = await agent2.request(ok.location as string);
    expect(consent.body).toContain('Photo Printer');
    expect(consent.body).toContain('See your resources');
    expect(consent.body).toContain('Create and change your resources');
    expect(consent.body).toContain('>Allow</button>');
    expect(consent.body).toContain('>Deny</button>');
  });

  it('rotates the session id at sign-in and signs out', async () => {
    const agent = new UserAgent(server.issuer);
    await agent.request('/login');
    const before = agent.cookieHeader();
    const { callback } = await codeFlow(WEB, ALICE, {}, agent);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(agent.cookieHeader()).not.toBe(before);
    const home = await agent.request('/account');
    expect(home.body).toContain('Sign out');
    const out = await agent.request('/logout', { form: { csrf_token: hiddenField(home.body, 'csrf_token') } });
    expect(out.status).toBe(200);
    const after = await agent.request(authorizeUrl({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read' }));
    expect(after.body).toContain('action="/login"');
  });

  it('never returns to a foreign URL after sign-in', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request('/login');
    const response = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: 'https://evil.example/', ...ALICE } });
    expect(response.location).toBe('/');
  });
});
