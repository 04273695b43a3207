import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createInitialAccessToken } from '../../src/core/initial-access-token.js';
import { cryptoRandom } from '../../src/core/random.js';
import { startExpiryPurge } from '../../src/server/expiry-purge.js';
import type { ConfigFlags } from '../../src/config.js';
import { closeHttp, listenOnFreePort, startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// RFC 7591 registration and RFC 7592 management over HTTP against a real server on 127.0.0.1;
// the registered client then signs a user in with openid-client (panva), code + PKCE.
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const NATIVE = {
  client_name: 'Agent CLI', application_type: 'native', token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1/callback'],
};

let running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

async function start(flags: ConfigFlags = { dynamicRegistration: 'open' }): Promise<RunningServer> {
  const server = await startServer({ users: [ALICE], flags });
  running.push(server);
  return server;
}

async function register(server: RunningServer, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.issuer}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return await response.json() as Record<string, unknown>;
}

describe('private_key_jwt (RFC 7523 §2.2), as the metadata advertises', () => {
  it('registers a client with its own keys, issues it no secret, and accepts its client assertion', async () => {
    const server = await start();
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...await exportJWK(publicKey), kid: 'k1', alg: 'ES256', use: 'sig' };
    const response = await register(server, {
      client_name: 'Agent with keys', application_type: 'native', token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1/callback'], jwks: { keys: [jwk] },
    });
    expect(response.status).toBe(201);
    const info = await json(response);
    expect(info.token_endpoint_auth_method).toBe('private_key_jwt');
    expect(info).not.toHaveProperty('client_secret');
    const clientId = info.client_id as string;
    const assertion = await new SignJWT({ jti: cryptoRandom.token(16) })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(clientId).setSubject(clientId).setAudience(server.issuer)
      .setIssuedAt().setExpirationTime('2m').sign(privateKey);
    const revoked = await fetch(`${server.issuer}/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'not-a-token', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
    });
    expect(revoked.status).toBe(200);
  });
});

describe('off (the default)', () => {
  it('has no /register route and no registration_endpoint in the metadata', async () => {
    const server = await start({});
    expect((await register(server, NATIVE)).status).toBe(404);
    const metadata = await json(await fetch(`${server.issuer}/.well-known/oauth-authorization-server`));
    expect(metadata).not.toHaveProperty('registration_endpoint');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });
});

describe('open registration', () => {
  it('registers a native public client and signs a user in with it: code + PKCE on an ephemeral loopback port', async () => {
    const server = await start();
    const metadata = await json(await fetch(`${server.issuer}/.well-known/openid-configuration`));
    expect(metadata.registration_endpoint).toBe(`${server.issuer}/register`);
    const response = await register(server, { ...NATIVE, logo_uri: 'https://example.com/logo.png', software_id: 'ignored' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const info = await json(response);
    expect(info).toMatchObject({
      client_name: 'Agent CLI', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: NATIVE.redirect_uris,
      grant_types: NATIVE.grant_types, response_types: ['code'], scope: 'openid profile email offline_access',
      client_id_issued_at: server.clock.nowSeconds(), registration_client_uri: `${server.issuer}/register/${String(info.client_id)}`,
    });
    expect(info.client_id).toMatch(/^dyn_/);
    expect(info.registration_access_token).toMatch(/^tsr_rat_/);
    // A public client gets no secret; unknown metadata is ignored (RFC 7591 §2), not stored.
    expect(info).not.toHaveProperty('client_secret');
    expect(info).not.toHaveProperty('logo_uri');
    expect(info).not.toHaveProperty('skip_consent');
    expect((await server.store.registrations.find(String(info.client_id)))?.tokenHash).not.toBe(info.registration_access_token);

    // The app listens on a port the kernel chose (RFC 8252 §7.3): registered without it.
    const app = await listenOnFreePort();
    try {
      const config = await oidc.discovery(new URL(server.issuer), String(info.client_id), {}, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${app.origin}/callback`, scope: 'openid profile offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256', nonce, prompt: 'consent',
      });
      const callback = await authorizeAs(new UserAgent(server.issuer), url.href, ALICE);
      expect(callback.origin).toBe(app.origin);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
      expect(tokens.claims()?.aud).toBe(info.client_id);
      expect(tokens.refresh_token).toBeDefined();
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
      expect(refreshed.access_token).toBeDefined();
    } finally {
      await closeHttp(app.server);
    }
  });

  it('the consent page says a self-registered client is not verified, and isolates its name', async () => {
    const server = await start();
    const info = await json(await register(server, { ...NATIVE, client_name: 'Agent CLI عربى' }));
    const agent = new UserAgent(server.issuer);
    const query = new URLSearchParams({ client_id: String(info.client_id), redirect_uri: 'http://127.0.0.1/callback', response_type: 'code', scope: 'openid', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    let page = await agent.request(`/authorize?${query.toString()}`);
    expect(page.body).toContain('self-registered, not verified');
    const signIn = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...ALICE } });
    page = await agent.request(signIn.location as string);
    expect(page.body).toContain('action="/consent"');
    expect(page.body).toContain('registered itself and is <strong>not verified</strong>');
    expect(page.body).toContain('<strong class="redirect-host">127.0.0.1</strong>');
    expect(page.body).toContain('<bdi>Agent CLI عربى</bdi>');
  });

  it('a confidential web client gets a secret that never expires, and https redirect URIs only', async () => {
    const server = await start();
    const info = await json(await register(server, { redirect_uris: ['https://app.example/cb'], client_name: 'Web App' }));
    expect(info).toMatchObject({ application_type: 'web', token_endpoint_auth_method: 'client_secret_basic', client_secret_expires_at: 0 });
    expect(info.client_secret).toMatch(/^tsr_cs_/);
    const client = await server.store.clients.get(String(info.client_id));
    expect(client?.secretHash).not.toBe(info.client_secret);
    expect(server.hashing.clientSecrets.verify(String(info.client_secret), client?.secretHash ?? '').ok).toBe(true);
  });

  it('refuses what a self-registered client may not have, with fixed RFC 7591 errors that never echo the input', async () => {
    const server = await start({ dynamicRegistration: 'open', dynamicRegistrationRateLimit: '100' });
    const cases: [unknown, string][] = [
      [{ redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['http://127.0.0.1/cb'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['myapp:/cb'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['https://bücher.example/cb'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['https://user:pw@app.example/cb'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: Array.from({ length: 11 }, (_, i) => `http://127.0.0.1/cb${i}`) }, 'invalid_client_metadata'],
      [{ ...NATIVE, post_logout_redirect_uris: ['http://app.example/bye'] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, redirect_uris: [] }, 'invalid_redirect_uri'],
      [{ ...NATIVE, skip_consent: true }, 'invalid_client_metadata'],
      [{ ...NATIVE, grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
      [{ ...NATIVE, grant_types: ['password'] }, 'invalid_client_metadata'],
      [{ ...NATIVE, grant_types: ['implicit'], response_types: ['token'] }, 'invalid_client_metadata'],
      [{ ...NATIVE, scope: 'admin write:everything' }, 'invalid_client_metadata'],
      [{ ...NATIVE, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      [{ ...NATIVE, response_types: ['token'] }, 'invalid_client_metadata'],
      [{ ...NATIVE, application_type: 'desktop' }, 'invalid_client_metadata'],
      [{ ...NATIVE, backchannel_logout_uri: 'https://10.0.0.1/logout' }, 'invalid_client_metadata'],
      [{ ...NATIVE, resources: ['https://unregistered.example/api'] }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'x'.repeat(500) }, 'invalid_client_metadata'],
      // Names that hide or reorder text on the consent page (bidi override, isolate, NUL, escape, zero-width).
      [{ ...NATIVE, client_name: 'Good App \u202Eelpmaxe.live' }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'Good App \u2066x\u2069' }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'Good\u0000App' }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'Good\u001b[2JApp' }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'Good\u200bApp' }, 'invalid_client_metadata'],
      [{ ...NATIVE, client_name: 'Good\nApp' }, 'invalid_client_metadata'],
      [[NATIVE], 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) {
      const response = await register(server, body);
      const answer = await json(response);
      expect([response.status, answer.error], JSON.stringify(body).slice(0, 120)).toEqual([400, error]);
      expect(String(answer.error_description)).not.toMatch(/example|myapp|admin|10\.0\.0\.1|desktop|xxxx|alert|bücher/);
    }
    const form = await fetch(`${server.issuer}/register`, { method: 'POST', body: new URLSearchParams({ redirect_uris: 'https://app.example/cb' }) });
    expect([form.status, (await json(form)).error]).toEqual([400, 'invalid_client_metadata']);
    const malformed = await fetch(`${server.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris": [' });
    expect(malformed.status).toBe(400);
    expect(await server.store.registrations.count()).toBe(0);
    // Scope is cut down to the policy's, and the response says what was registered (RFC 7591 §3.2.1).
    const cut = await json(await register(server, { ...NATIVE, scope: 'openid admin profile' }));
    expect(cut.scope).toBe('openid profile');
    // Native apps: private-use reverse-domain schemes (RFC 8252 §7.1) and [::1] loopback.
    expect((await register(server, { ...NATIVE, redirect_uris: ['com.example.agent:/oauth2redirect', 'http://[::1]/cb'] })).status).toBe(201);
  });

  it('limits registrations per address (every instance shares the count)', async () => {
    const server = await start({ dynamicRegistration: 'open', dynamicRegistrationRateLimit: '3' });
    for (let i = 0; i < 3; i += 1) expect((await register(server, NATIVE)).status).toBe(201);
    const refused = await register(server, NATIVE);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await server.store.registrations.count()).toBe(3);
    // The window ends: registrations are accepted again.
    server.clock.advance(15 * 60 + 1);
    expect((await register(server, NATIVE)).status).toBe(201);
  });

  it('stops at the cap on self-registered clients', async () => {
    const server = await start({ dynamicRegistration: 'open', dynamicRegistrationMaxClients: '2' });
    expect((await register(server, NATIVE)).status).toBe(201);
    expect((await register(server, NATIVE)).status).toBe(201);
    const full = await register(server, NATIVE);
    expect(full.status).toBe(503);
    expect((await json(full)).error).toBe('temporarily_unavailable');
  });
});

describe('token registration (RFC 7591 §3 initial access token)', () => {
  it('refuses without, with a wrong, an expired and a used-up initial access token; accepts a good one', async () => {
    const server = await start({ dynamicRegistration: 'token' });
    const now = server.clock.nowSeconds();
    const once = await createInitialAccessToken(server.store.registrations, server.hashing.tokens, cryptoRandom, now, { maxUses: 1 });
    const brief = await createInitialAccessToken(server.store.registrations, server.hashing.tokens, cryptoRandom, now, { expiresIn: 60 });

    const without = await register(server, NATIVE);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer realm="tessera-registration"');
    const wrong = await register(server, NATIVE, { authorization: 'Bearer tsr_iat_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await json(wrong)).error).toBe('invalid_token');

    expect((await register(server, NATIVE, { authorization: `Bearer ${once.token}` })).status).toBe(201);
    expect((await register(server, NATIVE, { authorization: `Bearer ${once.token}` })).status).toBe(401);
    expect((await register(server, NATIVE, { authorization: `Bearer ${brief.token}` })).status).toBe(201);
    server.clock.advance(61);
    expect((await register(server, NATIVE, { authorization: `Bearer ${brief.token}` })).status).toBe(401);
    // An invalid registration does not use the token up.
    const spare = await createInitialAccessToken(server.store.registrations, server.hashing.tokens, cryptoRandom, server.clock.nowSeconds(), { maxUses: 1 });
    expect((await register(server, { ...NATIVE, skip_consent: true }, { authorization: `Bearer ${spare.token}` })).status).toBe(400);
    expect((await register(server, NATIVE, { authorization: `Bearer ${spare.token}` })).status).toBe(201);
    expect(await server.store.registrations.count()).toBe(3);
  });
});

describe('RFC 7592 management', () => {
  it('reads, updates (rotating the registration access token) and deletes, with the token only', async () => {
    const server = await start();
    const info = await json(await register(server, { redirect_uris: ['https://app.example/cb'], client_name: 'Web App' }));
    const other = await json(await register(server, NATIVE));
    const uri = String(info.registration_client_uri);
    const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });

    const read = await fetch(uri, { headers: bearer(info.registration_access_token) });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: info.client_id, client_name: 'Web App', registration_client_uri: uri, client_secret_expires_at: 0 });
    for (const headers of [{}, bearer('tsr_rat_wrong'), bearer(other.registration_access_token), { authorization: 'Basic abc' }]) {
      const refused = await fetch(uri, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    }
    expect((await fetch(`${server.issuer}/register/nobody`, { headers: bearer(info.registration_access_token) })).status).toBe(401);

    const put = (body: unknown, token: unknown) => fetch(uri, { method: 'PUT', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) });
    expect((await json(await put({ client_id: 'someone-else', redirect_uris: ['https://app.example/cb'] }, info.registration_access_token))).error).toBe('invalid_client_metadata');
    expect((await json(await put({ client_id: info.client_id, client_secret: 'chosen', redirect_uris: ['https://app.example/cb'] }, info.registration_access_token))).error).toBe('invalid_client_metadata');
    expect((await put({ client_id: info.client_id, redirect_uris: ['http://app.example/cb'] }, info.registration_access_token)).status).toBe(400);
    const updated = await put({ client_id: info.client_id, client_secret: info.client_secret, client_name: 'Renamed', redirect_uris: ['https://app.example/new'] }, info.registration_access_token);
    expect(updated.status).toBe(200);
    const after = await json(updated);
    expect(after).toMatchObject({ client_name: 'Renamed', redirect_uris: ['https://app.example/new'], client_id_issued_at: info.client_id_issued_at });
    expect(after.registration_access_token).not.toBe(info.registration_access_token);
    // The secret is kept (never sent again); the old registration access token no longer works.
    expect(after).not.toHaveProperty('client_secret');
    const stored = await server.store.clients.get(String(info.client_id));
    expect(server.hashing.clientSecrets.verify(String(info.client_secret), stored?.secretHash ?? '').ok).toBe(true);
    expect((await fetch(uri, { headers: bearer(info.registration_access_token) })).status).toBe(401);
    expect((await fetch(uri, { headers: bearer(after.registration_access_token) })).status).toBe(200);

    expect((await fetch(uri, { method: 'DELETE', headers: bearer(info.registration_access_token) })).status).toBe(401);
    const deleted = await fetch(uri, { method: 'DELETE', headers: bearer(after.registration_access_token) });
    expect(deleted.status).toBe(204);
    expect(await server.store.clients.get(String(info.client_id))).toBeUndefined();
    expect((await fetch(uri, { headers: bearer(after.registration_access_token) })).status).toBe(401);
    expect(await server.store.clients.get(String(other.client_id))).toBeDefined();
  });

  it('deleting ends the client\'s grants: its refresh token stops working', async () => {
    const server = await start();
    const info = await json(await register(server, NATIVE));
    const config = await oidc.discovery(new URL(server.issuer), String(info.client_id), {}, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:45678/callback', scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', nonce: 'n', prompt: 'consent',
    });
    const callback = await authorizeAs(new UserAgent(server.issuer), url.href, ALICE);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: 'n' });
    await fetch(String(info.registration_client_uri), { method: 'DELETE', headers: { authorization: `Bearer ${String(info.registration_access_token)}` } });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toThrow();
  });
});

describe('idle registrations', () => {
  it('are deleted by the expiry purge after the idle period; a client used since is kept', async () => {
    const server = await start({ dynamicRegistration: 'open', dynamicRegistrationIdleDays: '30' });
    const idle = await json(await register(server, NATIVE));
    const used = await json(await register(server, NATIVE));
    const admin = 'admin-client';
    await server.store.clients.upsert({ ...(await server.store.clients.get(String(idle.client_id)))!, clientId: admin });
    server.clock.advance(20 * 86_400);
    // A code redemption records use, once that day.
    const config = await oidc.discovery(new URL(server.issuer), String(used.client_id), {}, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:40000/callback', scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', nonce: 'n',
    });
    await oidc.authorizationCodeGrant(config, await authorizeAs(new UserAgent(server.issuer), url.href, ALICE), { pkceCodeVerifier: verifier, expectedNonce: 'n' });
    await expect.poll(async () => (await server.store.registrations.find(String(used.client_id)))?.lastUsedDay)
      .toBe(Math.floor(server.clock.nowSeconds() / 86_400));

    server.clock.advance(15 * 86_400);
    const purge = startExpiryPurge(server.store, { clock: server.clock, firstDelayMs: 3_600_000, registrationIdleDays: 30 });
    await purge.purgeNow();
    purge.stop();
    expect(await server.store.clients.get(String(idle.client_id))).toBeUndefined();
    expect(await server.store.clients.get(String(used.client_id))).toBeDefined();
    expect(await server.store.clients.get(admin)).toBeDefined();
    expect((await fetch(String(idle.registration_client_uri), { headers: { authorization: `Bearer ${String(idle.registration_access_token)}` } })).status).toBe(401);
  });
});
