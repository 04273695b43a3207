import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// OpenID Connect Core §3.1.2.1 request parameters at /authorize (prompt, max_age, login_hint,
// id_token_hint, ui_locales) and the §3.1.2.6 errors, with openid-client (panva) as the relying
// party: it builds the requests, reads the error redirects and validates every ID token.
const CB = 'http://127.0.0.1:9/callback';
const RP = {
  client_id: 'rp', client_name: 'Relying Party', client_secret: 'rp-secret', grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [CB], scope: 'openid profile email',
};
const ALICE = { username: 'alice', password: 'alice password for prompts' };
const BOB = { username: 'bob', password: 'bob password for prompts' };

let server: RunningServer;
let config: client.Configuration;

beforeAll(async () => {
  server = await startServer({ clients: [RP], users: [ALICE, BOB] });
  config = await client.discovery(new URL(server.issuer), 'rp', 'rp-secret', client.ClientSecretBasic('rp-secret'), { execute: [client.allowInsecureRequests] });
});
afterAll(async () => server.close());

interface Started { url: URL; verifier: string; nonce: string; state: string }

async function start(extra: Record<string, string> = {}): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CB, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    nonce, state, ...extra,
  });
  return { url, verifier, nonce, state };
}

/** openid-client's code exchange and ID token validation (nonce, state, iss, max_age when given). */
async function finish(started: Started, callback: URL, maxAge?: number) {
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: started.verifier, expectedNonce: started.nonce, expectedState: started.state, idTokenExpected: true,
    ...(maxAge !== undefined ? { maxAge } : {}),
  });
  return tokens.claims() as client.IDToken;
}

/** The error a redirect carries, as openid-client reads it (with state and RFC 9207 iss checked). */
async function redirectError(started: Started, location: string | null): Promise<string> {
  expect(location).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\/callback\?/));
  const callback = new URL(location as string);
  expect(callback.searchParams.get('state')).toBe(started.state);
  expect(callback.searchParams.get('iss')).toBe(server.issuer);
  const error = await finish(started, callback).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(client.AuthorizationResponseError);
  return (error as client.AuthorizationResponseError).error;
}

/** A browser where `user` signed in (and allowed the client openid profile) through the real pages. */
async function signedIn(user: { username: string; password: string }): Promise<{ agent: UserAgent; claims: client.IDToken }> {
  const agent = new UserAgent(server.issuer);
  const started = await start();
  const claims = await finish(started, await authorizeAs(agent, started.url.href, user));
  return { agent, claims };
}

/** Answers the sign-in page shown for `page` as `user`, and follows the redirect back to /authorize. */
async function answerSignIn(agent: UserAgent, page: { body: string }, user: { username: string; password: string }) {
  const response = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...user } });
  expect(response.status).toBe(303);
  return agent.request(response.location as string);
}

function isSignInPage(page: { status: number; body: string }): boolean {
  return page.status === 200 && page.body.includes('action="/login"') && page.body.includes('name="password"');
}

describe('prompt=none (Core 3.1.2.1): never a page', () => {
  it('with a session and consent: a code at once, and openid-client accepts the ID token', async () => {
    const { agent, claims: first } = await signedIn(ALICE);
    const started = await start({ prompt: 'none' });
    const response = await agent.request(started.url.href);
    expect(response.status).toBe(303);
    const claims = await finish(started, new URL(response.location as string));
    expect(claims.sub).toBe(first.sub);
    expect(claims.auth_time).toBe(first.auth_time);
  });

  it('without a session: login_required redirected to the client with state and iss', async () => {
    const started = await start({ prompt: 'none' });
    const response = await new UserAgent(server.issuer).request(started.url.href);
    expect(response.status).toBe(303);
    expect(await redirectError(started, response.location)).toBe('login_required');
  });

  it('without consent for the scope: consent_required', async () => {
    const { agent } = await signedIn(ALICE);
    const started = await start({ prompt: 'none', scope: 'openid profile email' });
    expect(await redirectError(started, (await agent.request(started.url.href)).location)).toBe('consent_required');
  });
});

describe('prompt=login (Core 3.1.2.3): sign in again even with a session', () => {
  it('shows the sign-in page to a signed-in user, prefilled; after it the ID token has the new auth_time', async () => {
    const { agent, claims: first } = await signedIn(ALICE);
    server.clock.advance(30);
    const started = await start({ prompt: 'login' });
    const page = await agent.request(started.url.href);
    expect(isSignInPage(page)).toBe(true);
    expect(page.body).toContain('value="alice"');
    expect(page.body).toContain('asks you to sign in again');
    const after = await answerSignIn(agent, page, ALICE);
    expect(after.status).toBe(303);
    const claims = await finish(started, new URL(after.location as string));
    expect(claims.sub).toBe(first.sub);
    expect(claims.auth_time).toBe(server.clock.nowSeconds());
    expect(claims.auth_time).toBeGreaterThanOrEqual((first.auth_time as number) + 30);
  });

  it('signing in again leads on to the consent page when the request needs consent, and the consent answer gives the code', async () => {
    const { agent, claims: first } = await signedIn(ALICE);
    server.clock.advance(10);
    const started = await start({ prompt: 'login', scope: 'openid profile email' });
    // The helper signs in on the sign-in page, then allows on the consent page that follows.
    const claims = await finish(started, await authorizeAs(agent, started.url.href, ALICE));
    expect(claims.sub).toBe(first.sub);
    expect(claims.auth_time).toBe(server.clock.nowSeconds());
  });

  it('cannot be skipped: not by a made-up proof, not by a proof of another request, not by posting the consent form', async () => {
    const { agent } = await signedIn(ALICE);
    const started = await start({ prompt: 'login' });
    const forged = await agent.request(`${started.url.href}&tessera_interaction=a.${server.clock.nowSeconds()}.AAAA`);
    expect(isSignInPage(forged)).toBe(true);
    // A genuine proof, made for another request (another state), proves nothing for this one.
    const other = await start({ prompt: 'login' });
    const page = await agent.request(other.url.href);
    const login = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...ALICE } });
    const proof = new URL(login.location as string, server.issuer).searchParams.get('tessera_interaction') as string;
    expect(proof).toEqual(expect.any(String));
    expect(isSignInPage(await agent.request(`${started.url.href}&tessera_interaction=${encodeURIComponent(proof)}`))).toBe(true);
    // The consent form posted by hand for a prompt=login request (the CSRF token of the session): the sign-in page again, no code.
    const consentPage = await agent.request((await start({ prompt: 'consent' })).url.href);
    expect(consentPage.body).toContain('action="/consent"');
    const posted = await agent.request('/consent', {
      form: { csrf_token: hiddenField(consentPage.body, 'csrf_token'), request: started.url.search.slice(1), decision: 'allow' },
    });
    expect(isSignInPage(posted)).toBe(true);
    expect(posted.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('max_age (Core 3.1.2.1)', () => {
  it('a session younger than max_age answers at once; an older one signs in again; auth_time is in the ID token', async () => {
    const { agent, claims: first } = await signedIn(ALICE);
    server.clock.advance(120);
    const young = await start({ max_age: '300' });
    const direct = await agent.request(young.url.href);
    expect(direct.status).toBe(303);
    expect((await finish(young, new URL(direct.location as string), 300)).auth_time).toBe(first.auth_time);

    const old = await start({ max_age: '60' });
    const page = await agent.request(old.url.href);
    expect(isSignInPage(page)).toBe(true);
    const after = await answerSignIn(agent, page, ALICE);
    const claims = await finish(old, new URL(after.location as string), 60);
    expect(claims.auth_time).toBe(server.clock.nowSeconds());

    // With prompt=none an old session cannot sign in again: login_required.
    server.clock.advance(120);
    const silent = await start({ max_age: '60', prompt: 'none' });
    expect(await redirectError(silent, (await agent.request(silent.url.href)).location)).toBe('login_required');
  });

  it('max_age=0 always signs in again, then answers', async () => {
    const { agent } = await signedIn(ALICE);
    const started = await start({ max_age: '0' });
    const page = await agent.request(started.url.href);
    expect(isSignInPage(page)).toBe(true);
    const after = await answerSignIn(agent, page, ALICE);
    expect(after.status).toBe(303);
    expect(typeof (await finish(started, new URL(after.location as string), 0)).auth_time).toBe('number');
  });
});

describe('login_hint (Core 3.1.2.1)', () => {
  it('prefills the username, escaped, and is never taken as who signs in', async () => {
    const started = await start({ login_hint: 'alice' });
    const page = await new UserAgent(server.issuer).request(started.url.href);
    expect(isSignInPage(page)).toBe(true);
    expect(page.body).toContain('value="alice"');
    const hostile = await new UserAgent(server.issuer).request((await start({ login_hint: '"><script>alert(1)</script>' })).url.href);
    expect(hostile.body).not.toContain('<script>alert(1)</script>');
    expect(hostile.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    // Alice is signed in; a hint for bob changes nothing: the code is alice's.
    const { agent, claims: alice } = await signedIn(ALICE);
    const hinted = await start({ login_hint: 'bob' });
    const response = await agent.request(hinted.url.href);
    expect(response.status).toBe(303);
    expect((await finish(hinted, new URL(response.location as string))).sub).toBe(alice.sub);
  });
});

describe('id_token_hint (Core 3.1.2.1)', () => {
  it('the signed-in user\'s own ID token, even expired: prompt=none answers', async () => {
    const { agent, claims } = await signedIn(ALICE);
    const hint = await idTokenOf(ALICE);
    server.clock.advance(server.config.settings.accessTokenTtl + 60);
    const started = await start({ prompt: 'none', id_token_hint: hint });
    const response = await agent.request(started.url.href);
    expect(response.status).toBe(303);
    expect((await finish(started, new URL(response.location as string))).sub).toBe(claims.sub);
  });

  it('another user\'s: login_required with prompt=none; otherwise sign in as them (signing in as someone else again is login_required)', async () => {
    const { agent } = await signedIn(ALICE);
    const bobHint = await idTokenOf(BOB);
    const silent = await start({ prompt: 'none', id_token_hint: bobHint });
    expect(await redirectError(silent, (await agent.request(silent.url.href)).location)).toBe('login_required');

    const asBob = await start({ id_token_hint: bobHint });
    const page = await agent.request(asBob.url.href);
    expect(isSignInPage(page)).toBe(true);
    expect(page.body).not.toContain('value="alice"');
    const wrong = await answerSignIn(agent, page, ALICE);
    expect(await redirectError(asBob, wrong.location)).toBe('login_required');

    const again = await start({ id_token_hint: bobHint });
    const callback = await authorizeAs(agent, again.url.href, BOB);
    const claims = await finish(again, callback);
    expect(claims.sub).toBe((await server.store.users.getByUsername('bob'))?.id);
  });

  it('anything but an ID token of this server is invalid_request: tampered, an access token, another issuer\'s', async () => {
    const { agent } = await signedIn(ALICE);
    const hint = await idTokenOf(ALICE);
    const [header, payload, signature] = hint.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone' })).toString('base64url')}.${signature}`;
    const foreign = await startServer({ clients: [RP], users: [ALICE] });
    let foreignHint: string;
    try {
      foreignHint = await idTokenOf(ALICE, foreign);
    } finally {
      await foreign.close();
    }
    const accessToken = await accessTokenOf(ALICE);
    for (const bad of [tampered, accessToken, foreignHint, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const started = await start({ id_token_hint: bad });
      expect(await redirectError(started, (await agent.request(started.url.href)).location)).toBe('invalid_request');
    }
  });
});

describe('prompt=select_account, consent, ui_locales', () => {
  it('select_account offers to continue as the signed-in user, or to sign in as another', async () => {
    const { agent, claims: alice } = await signedIn(ALICE);
    const started = await start({ prompt: 'select_account' });
    const page = await agent.request(started.url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Continue as alice');
    const chosen = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), account: 'current' } });
    const after = await agent.request(chosen.location as string);
    expect((await finish(started, new URL(after.location as string))).sub).toBe(alice.sub);

    const other = await start({ prompt: 'select_account' });
    const choice = await agent.request(other.url.href);
    expect(choice.body).toContain('Continue as alice');
    const switched = await answerSignIn(agent, choice, BOB);
    expect(switched.status).toBe(303);
    expect((await finish(other, new URL(switched.location as string))).sub).toBe((await server.store.users.getByUsername('bob'))?.id);
  });

  it('prompt=consent shows the consent page though the user allowed it before', async () => {
    const { agent } = await signedIn(ALICE);
    const page = await agent.request((await start({ prompt: 'consent' })).url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/consent"');
  });

  it('ui_locales is accepted (the pages are English, as discovery says)', async () => {
    expect(config.serverMetadata().ui_locales_supported).toEqual(['en']);
    const page = await new UserAgent(server.issuer).request((await start({ ui_locales: 'fr-CA fr en' })).url.href);
    expect(isSignInPage(page)).toBe(true);
    expect(page.body).toContain('<html lang="en">');
  });

  it('display, claims_locales and acr_values are no error (Core 15.1: the minimum support)', async () => {
    const page = await new UserAgent(server.issuer).request((await start({ display: 'popup', claims_locales: 'fr', acr_values: 'urn:example:loa:2' })).url.href);
    expect(isSignInPage(page)).toBe(true);
  });
});

describe('invalid requests (Core 3.1.2.6), redirected to the client', () => {
  it.each([
    [{ prompt: 'none login' }, 'invalid_request'],
    [{ prompt: 'none consent' }, 'invalid_request'],
    [{ prompt: 'none select_account' }, 'invalid_request'],
    [{ prompt: 'later' }, 'invalid_request'],
    [{ max_age: '-1' }, 'invalid_request'],
    [{ max_age: 'an hour' }, 'invalid_request'],
    [{ id_token_hint: 'not a token' }, 'invalid_request'],
    [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    [{ request_uri: 'https://rp.example/request.jwt' }, 'request_uri_not_supported'],
    [{ registration: '{}' }, 'registration_not_supported'],
  ])('%j: %s', async (extra, error) => {
    // Added to the URL by hand: openid-client treats request and request_uri as its own (JAR, PAR).
    const started = await start();
    for (const [name, value] of Object.entries(extra)) started.url.searchParams.set(name, value);
    expect(await redirectError(started, (await new UserAgent(server.issuer).request(started.url.href)).location)).toBe(error);
  });
});

/** An ID token of `user` from `at` (this test's server by default), through a fresh sign-in. */
async function idTokenOf(user: { username: string; password: string }, at: RunningServer = server): Promise<string> {
  const tokens = await tokensOf(user, at);
  return tokens.id_token as string;
}

async function accessTokenOf(user: { username: string; password: string }): Promise<string> {
  return (await tokensOf(user, server)).access_token;
}

async function tokensOf(user: { username: string; password: string }, at: RunningServer) {
  const rp = await client.discovery(new URL(at.issuer), 'rp', 'rp-secret', client.ClientSecretBasic('rp-secret'), { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(rp, { redirect_uri: CB, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const callback = await authorizeAs(new UserAgent(at.issuer), url.href, user);
  return client.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, idTokenExpected: true });
}
