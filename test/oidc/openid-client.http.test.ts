import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../src/oidc/token-hash.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// The relying party is openid-client (panva), which no one here wrote: its own discovery, PKCE,
// nonce, ID token validation and UserInfo checks decide whether Tessera is an OpenID Provider.
const CB = 'http://127.0.0.1:9/callback';
const RP = {
  client_id: 'rp', client_name: 'Relying Party', client_secret: 'rp-secret', grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [CB], scope: 'openid profile email address phone offline_access read',
};
const PUBLIC_RP = {
  client_id: 'spa', client_name: 'Single Page', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [CB], scope: 'openid profile email offline_access', id_token_signed_response_alg: 'ES256',
};
const ED_RP = { ...RP, client_id: 'ed', client_secret: 'ed-secret', id_token_signed_response_alg: 'EdDSA' };
const PLAIN = { ...RP, client_id: 'plain', client_secret: 'plain-secret', scope: 'read' };
const FIRST_PARTY = { ...RP, client_id: 'first', client_secret: 'first-secret', skip_consent: true };
/** A client acting for itself (client_credentials): its tokens have no user, sub is its client_id. */
const SERVICE = { client_id: 'svc', client_name: 'Service', client_secret: 'svc-secret', grant_types: ['client_credentials'], redirect_uris: [], scope: 'openid profile' };
/** Registered for openid and profile only: no email, phone or address, however asked. */
const PROFILE_ONLY = { ...RP, client_id: 'profile-only', client_secret: 'profile-only-secret', scope: 'openid profile' };
const PROFILE_ONLY_FIRST_PARTY = { ...PROFILE_ONLY, client_id: 'profile-first', client_secret: 'profile-first-secret', skip_consent: true };
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const ALICE_CLAIMS = {
  name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', preferred_username: 'alice', email: 'alice@example.com',
  email_verified: true, locale: 'en-GB', zoneinfo: 'Europe/London', phone_number: '+44 20 7946 0000', phone_number_verified: false,
  address: { locality: 'Oxford', country: 'GB' }, website: 'https://alice.example',
};

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [RP, PUBLIC_RP, ED_RP, PLAIN, FIRST_PARTY, PROFILE_ONLY, PROFILE_ONLY_FIRST_PARTY, SERVICE], users: [{ ...ALICE, claims: ALICE_CLAIMS }] });
});
afterAll(async () => server.close());

async function discover(clientId: string, secret?: string): Promise<client.Configuration> {
  return client.discovery(new URL(server.issuer), clientId, secret ?? {}, secret === undefined ? client.None() : client.ClientSecretBasic(secret),
    { execute: [client.allowInsecureRequests] });
}

/** Code + PKCE + nonce + state through the real sign-in and consent pages; returns openid-client's validated token response. */
async function signIn(config: client.Configuration, extra: Record<string, string> = {}, agent = new UserAgent(server.issuer)) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CB, scope: 'openid profile email', code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', nonce, state, ...extra,
  });
  const callback = await authorizeAs(agent, url.href, ALICE);
  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
  return { tokens, nonce, agent };
}

describe('openid-client as the relying party', () => {
  it('discovers the provider: issuer, endpoints, RS256, claims and the claims parameter', async () => {
    const config = await discover('rp', 'rp-secret');
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(server.issuer);
    expect(metadata.userinfo_endpoint).toBe(`${server.issuer}/userinfo`);
    expect(metadata.jwks_uri).toBe(`${server.issuer}/jwks`);
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
    expect(metadata.subject_types_supported).toEqual(['public']);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'name', 'email', 'email_verified', 'address', 'updated_at', 'auth_time', 'sid']));
    expect(metadata.claims_parameter_supported).toBe(true);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toContain('code');
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
  });

  it('signs alice in with code + PKCE + nonce; the ID token passes openid-client\'s checks and carries what Core 3.1.3.3 asks', async () => {
    const config = await discover('rp', 'rp-secret');
    const { tokens, nonce } = await signIn(config);
    const claims = tokens.claims();
    expect(claims).toBeDefined();
    const user = await server.store.users.getByUsername('alice');
    expect(claims).toMatchObject({ iss: server.issuer, sub: user?.id, aud: 'rp', nonce, amr: ['pwd'] });
    expect(typeof claims?.auth_time).toBe('number');
    expect(typeof claims?.sid).toBe('string');
    expect(claims).not.toHaveProperty('azp');
    // Core §5.4: with an access token, the scope's claims are UserInfo's, not the ID token's.
    expect(claims).not.toHaveProperty('email');
    const idToken = tokens.id_token as string;
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    // Core §3.1.3.6: at_hash is the left half of SHA-256 of the access token.
    expect(claims?.at_hash).toBe(tokenHash(tokens.access_token, 'RS256'));
    // Verified again with jose against the published keys: RS256, aud the client.
    const jwks = await (await fetch(`${server.issuer}/jwks`)).json();
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: server.issuer, audience: 'rp', algorithms: ['RS256'] });
    expect(payload.sub).toBe(user?.id);
    // Without offline_access an OpenID grant gets no refresh token (Core §11).
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('reads UserInfo with the profile and email claims, sub equal to the ID token\'s, no-store', async () => {
    const config = await discover('rp', 'rp-secret');
    const { tokens } = await signIn(config);
    const sub = tokens.claims()?.sub as string;
    const info = await client.fetchUserInfo(config, tokens.access_token, sub);
    expect(info).toMatchObject({
      sub, name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', preferred_username: 'alice', locale: 'en-GB',
      zoneinfo: 'Europe/London', website: 'https://alice.example', email: 'alice@example.com', email_verified: true,
    });
    expect(typeof info.updated_at).toBe('number');
    // Not asked for: address and phone.
    expect(info).not.toHaveProperty('address');
    expect(info).not.toHaveProperty('phone_number');
    const raw = await fetch(`${server.issuer}/userinfo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: tokens.access_token }) });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('cache-control')).toBe('no-store');
    expect((await raw.json()).sub).toBe(sub);
  });

  it('refreshes an offline_access grant (asked with prompt=consent) and gets a new ID token: same iss, sub, aud, auth_time, no nonce', async () => {
    const config = await discover('rp', 'rp-secret');
    const { tokens } = await signIn(config, { scope: 'openid profile offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const first = tokens.claims();
    server.clock.advance(5);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    const again = refreshed.claims();
    expect(again).toMatchObject({ iss: first?.iss, sub: first?.sub, aud: first?.aud, auth_time: first?.auth_time, sid: first?.sid });
    expect(again?.iat).toBeGreaterThan(first?.iat as number);
    expect(again).not.toHaveProperty('nonce');
    expect(again?.at_hash).toBe(tokenHash(refreshed.access_token, 'RS256'));
    const info = await client.fetchUserInfo(config, refreshed.access_token, first?.sub as string);
    expect(info.name).toBe('Alice Liddell');
  });

  it('a public client with PKCE gets ES256 ID tokens, as it registered (id_token_signed_response_alg)', async () => {
    const config = await discover('spa');
    const { tokens } = await signIn(config);
    expect(decodeProtectedHeader(tokens.id_token as string).alg).toBe('ES256');
    expect(tokens.claims()?.at_hash).toBe(tokenHash(tokens.access_token, 'ES256'));
  });

  it('EdDSA ID tokens, at_hash with SHA-512 (Ed25519)', async () => {
    const config = await discover('ed', 'ed-secret');
    const { tokens } = await signIn(config);
    expect(decodeProtectedHeader(tokens.id_token as string).alg).toBe('EdDSA');
    expect(tokens.claims()?.at_hash).toBe(tokenHash(tokens.access_token, 'EdDSA'));
  });

  it('the claims parameter: individual claims in the ID token and in UserInfo, unknown ones ignored', async () => {
    const config = await discover('rp', 'rp-secret');
    const claims = JSON.stringify({
      id_token: { email: { essential: true }, name: null, 'urn:example:unknown': null },
      userinfo: { phone_number: null, address: { essential: true } },
    });
    const { tokens } = await signIn(config, { scope: 'openid', claims });
    expect(tokens.claims()).toMatchObject({ email: 'alice@example.com', name: 'Alice Liddell' });
    expect(tokens.claims()).not.toHaveProperty('urn:example:unknown');
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub as string);
    expect(info).toEqual({ sub: tokens.claims()?.sub, phone_number: '+44 20 7946 0000', address: { locality: 'Oxford', country: 'GB' } });
  });
});

describe('consent for OpenID requests', () => {
  it('the claims parameter releases no claim beyond the client\'s registered scope (Core 5.5: the OP may omit them)', async () => {
    const claims = JSON.stringify({ id_token: { email: { essential: true }, name: null }, userinfo: { phone_number: null, address: null, locale: null } });
    for (const [clientId, secret] of [['profile-only', 'profile-only-secret'], ['profile-first', 'profile-first-secret']] as const) {
      const config = await discover(clientId, secret);
      const { tokens } = await signIn(config, { scope: 'openid', claims });
      expect(tokens.claims()).toMatchObject({ name: 'Alice Liddell' });
      expect(tokens.claims()).not.toHaveProperty('email');
      const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub as string);
      expect(info).toEqual({ sub: tokens.claims()?.sub, locale: 'en-GB' });
    }
  });

  it('claims allowed on the consent page are remembered: prompt=none with them gets a code, with a new one consent_required', async () => {
    const config = await discover('rp', 'rp-secret');
    const claims = JSON.stringify({ userinfo: { phone_number: { essential: true } }, id_token: { website: null } });
    const { agent } = await signIn(config, { scope: 'openid', claims });
    const silent = async (asked: string) => {
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CB, scope: 'openid', claims: asked, prompt: 'none',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
      });
      const response = await agent.request(url.href);
      expect(response.status).toBe(303);
      return new URL(response.location as string).searchParams;
    };
    expect((await silent(claims)).get('code')).toBeTruthy();
    expect((await silent(JSON.stringify({ userinfo: { website: null } }))).get('code')).toBeTruthy();
    expect((await silent(JSON.stringify({ userinfo: { birthdate: null } }))).get('error')).toBe('consent_required');
  });

  it('a first-party (skip_consent) client asking for claims beyond the request\'s scope gets the consent page', async () => {
    const config = await discover('first', 'first-secret');
    const agent = new UserAgent(server.issuer);
    await signIn(config, { scope: 'openid' }, agent);
    const claims = JSON.stringify({ userinfo: { email: null } });
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', claims, code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await agent.request(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/consent"');
    expect(page.body).toContain('your email address');
  });

  it('lists claims asked for one by one, in plain words, essential ones marked, and asks each time', async () => {
    const config = await discover('rp', 'rp-secret');
    const agent = new UserAgent(server.issuer);
    await signIn(config, { scope: 'openid' }, agent);
    const claims = JSON.stringify({ userinfo: { phone_number: { essential: true } }, id_token: { birthdate: null } });
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', claims, code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await agent.request(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/consent"');
    expect(page.body).toContain('your phone number (the application needs it)');
    expect(page.body).toContain('your birthdate');
  });

  it('a first-party (skip_consent) client is asked once for offline_access, then not again', async () => {
    const config = await discover('first', 'first-secret');
    const agent = new UserAgent(server.issuer);
    const url = async () => client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid offline_access', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const plain = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    // Signed in, openid alone: no page for a first-party client.
    await authorizeAs(agent, plain.href, ALICE);
    expect((await agent.request(plain.href)).status).toBe(303);
    const asked = await agent.request((await url()).href);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Keep access while you are away');
    await authorizeAs(agent, (await url()).href, ALICE);
    expect((await agent.request((await url()).href)).status).toBe(303);
  });
});

describe('what an OpenID Provider must refuse', () => {
  it('issues no ID token without the openid scope', async () => {
    const config = await discover('rp', 'rp-secret');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'read', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const callback = await authorizeAs(new UserAgent(server.issuer), url.href, ALICE);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.id_token).toBeUndefined();
    // A plain OAuth 2 grant keeps its refresh token, as before.
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // UserInfo: 403 insufficient_scope, RFC 6750 §3.1.
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+", error="insufficient_scope", .*scope="openid"/);
  });

  it('a client not allowed openid cannot ask for it (invalid_scope)', async () => {
    const config = await discover('plain', 'plain-secret');
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await new UserAgent(server.issuer).request(url.href);
    expect(page.status).toBe(303);
    expect(new URL(page.location as string).searchParams.get('error')).toBe('invalid_scope');
  });

  it('UserInfo: no token 401 with a bare challenge; expired 401 invalid_token; token twice 400', async () => {
    const config = await discover('rp', 'rp-secret');
    const { tokens } = await signIn(config);
    const none = await fetch(`${server.issuer}/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="${server.issuer}"`);
    const twice = await fetch(`${server.issuer}/userinfo`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(twice.status).toBe(400);
    expect((await twice.json()).error).toBe('invalid_request');
    const forged = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);
    server.clock.advance(server.config.settings.accessTokenTtl + 1);
    try {
      const expired = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expect((await expired.json()).error).toBe('invalid_token');
    } finally {
      server.clock.advance(-(server.config.settings.accessTokenTtl + 1));
    }
  });

  it('UserInfo answers browser apps of any origin (CORS without credentials), challenges included', async () => {
    const preflight = await fetch(`${server.issuer}/userinfo`, { method: 'OPTIONS', headers: { origin: 'https://spa.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const refused = await fetch(`${server.issuer}/userinfo`, { headers: { origin: 'https://spa.example' } });
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Retry-After');
    expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    const invalid = await fetch(`${server.issuer}/userinfo`, { headers: { origin: 'https://spa.example', authorization: 'Bearer not.a.token' } });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('access-control-allow-origin')).toBe('*');
    expect(invalid.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('UserInfo refuses a client_credentials token (no user), even when a user has the client_id as id: 401 invalid_token', async () => {
    await server.store.users.upsert({ id: 'svc', username: 'svc-namesake', passwordHash: 'x', createdAt: 0, claims: { name: 'Not Yours' } });
    const config = await discover('svc', 'svc-secret');
    const tokens = await client.clientCredentialsGrant(config, { scope: 'openid profile' });
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('UserInfo refuses a revoked token', async () => {
    const config = await discover('rp', 'rp-secret');
    const { tokens } = await signIn(config);
    await client.tokenRevocation(config, tokens.access_token);
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.status).toBe(401);
  });

  it('a malformed claims parameter or prompt is invalid_request, redirected to the client', async () => {
    const config = await discover('rp', 'rp-secret');
    for (const extra of [{ claims: '{not json' }, { claims: '{"id_token":{"email":{"essential":"yes"}}}' }, { prompt: 'none login' }, { prompt: 'sometimes' }] as Record<string, string>[]) {
      const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256', ...extra });
      const page = await new UserAgent(server.issuer).request(url.href);
      expect(page.status).toBe(303);
      expect(new URL(page.location as string).searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('an OpenID request without redirect_uri is invalid_request (Core 3.1.2.1: REQUIRED), sent to the one registered URI', async () => {
    const url = new URL('/authorize', server.issuer);
    url.search = new URLSearchParams({
      client_id: 'rp', response_type: 'code', scope: 'openid', state: 's1',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }).toString();
    const page = await new UserAgent(server.issuer).request(url.href);
    expect(page.status).toBe(303);
    const location = new URL(page.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(CB);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it('prompt=none: login_required without a session, consent_required before consent', async () => {
    const config = await discover('rp', 'rp-secret');
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid address', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'none' });
    const agent = new UserAgent(server.issuer);
    const page = await agent.request(url.href);
    expect(new URL(page.location as string).searchParams.get('error')).toBe('login_required');
    await signIn(config, {}, agent);
    const again = await agent.request(url.href);
    expect(new URL(again.location as string).searchParams.get('error')).toBe('consent_required');
  });

  it('a claims request for a sub other than the signed-in user\'s is login_required (Core 5.5.1); the right sub is answered', async () => {
    const config = await discover('rp', 'rp-secret');
    const agent = new UserAgent(server.issuer);
    await signIn(config, {}, agent);
    const url = async (sub: string) => client.buildAuthorizationUrl(config, {
      redirect_uri: CB, scope: 'openid', claims: JSON.stringify({ id_token: { sub: { value: sub } } }),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    });
    const other = await agent.request((await url('someone-else')).href);
    expect(new URL(other.location as string).searchParams.get('error')).toBe('login_required');
    const alice = await server.store.users.getByUsername('alice');
    const own = await authorizeAs(agent, (await url(alice?.id as string)).href, ALICE);
    expect(own.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('an implicit (token) request with openid stays OAuth 2: an access token, no ID token', async () => {
    const implicitServer = await startServer({
      clients: [{ ...RP, client_id: 'imp', grant_types: ['implicit'], redirect_uris: ['https://app.example/cb'] }],
      users: [ALICE],
    });
    try {
      const agent = new UserAgent(implicitServer.issuer);
      const callback = await authorizeAs(agent, `/authorize?${new URLSearchParams({ client_id: 'imp', response_type: 'token', scope: 'openid', nonce: 'n-1' })}`, ALICE);
      const fragment = new URLSearchParams(callback.hash.slice(1));
      expect(fragment.get('access_token')).toEqual(expect.any(String));
      expect(fragment.has('id_token')).toBe(false);
    } finally {
      await implicitServer.close();
    }
  });
});
