import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../src/oidc/logout/logout-token.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import type { AuditEvent } from '../../src/core/audit.js';
import { closeHttp, startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// The relying party is openid-client: its buildEndSessionUrl makes the logout requests, and a
// tiny node:http server on 127.0.0.1 plays the RP's back-channel logout endpoint.
const CB = 'http://127.0.0.1:9/callback';
const LOGGED_OUT = 'http://127.0.0.1:9/logged-out';
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const BOB = { username: 'bob', password: 'another correct horse battery' };

interface Received { token: string; contentType: string | undefined }

/** The RP's back-channel logout endpoint: records each logout token; answers `statuses` in turn, then 200. */
class BackChannelReceiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly server: Server) {}

  static async start(): Promise<BackChannelReceiver> {
    let receiver: BackChannelReceiver | undefined;
    const server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => { body += chunk; });
      request.on('end', () => {
        const status = receiver?.statuses.shift() ?? 200;
        // 0: hang past the server's timeout (2 s here), then answer late.
        if (status === 0) {
          setTimeout(() => response.writeHead(200).end(), 3_000);
          return;
        }
        if (status === 200) {
          receiver?.received.push({ token: new URLSearchParams(body).get('logout_token') ?? '', contentType: request.headers['content-type'] });
          for (const wake of receiver?.waiters.splice(0) ?? []) wake();
        }
        response.writeHead(status, { 'cache-control': 'no-store' }).end();
      });
    });
    receiver = new BackChannelReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get uri(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}/backchannel-logout`;
  }

  /** The next logout token, waiting for it up to 5 s. */
  async next(count: number): Promise<Received> {
    const deadline = Date.now() + 5_000;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error('no logout token arrived');
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 100); });
    }
    return this.received[count - 1] as Received;
  }
}

let server: RunningServer;
let receiver: BackChannelReceiver;
const metrics = new ServerMetrics({ defaultMetrics: false });
const auditEvents: AuditEvent[] = [];

/** tessera_backchannel_logout_total for one outcome, read from the server's registry. */
async function backChannelCount(outcome: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('tessera_backchannel_logout_total')?.get();
  return metric?.values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
}

beforeAll(async () => {
  receiver = await BackChannelReceiver.start();
  const rp = {
    client_id: 'rp', client_name: 'Relying Party', client_secret: 'rp-secret', grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [CB], scope: 'openid profile offline_access', post_logout_redirect_uris: [LOGGED_OUT],
    backchannel_logout_uri: receiver.uri, backchannel_logout_session_required: true,
  };
  const other = { ...rp, client_id: 'other', client_secret: 'other-secret', post_logout_redirect_uris: ['http://127.0.0.1:9/other-out'] };
  delete (other as Partial<typeof rp>).backchannel_logout_uri;
  const ed = { ...rp, client_id: 'ed', client_secret: 'ed-secret', id_token_signed_response_alg: 'EdDSA' };
  server = await startServer({
    clients: [rp, other, ed], users: [ALICE, BOB],
    server: { metrics, audit: { record: (event) => auditEvents.push(event) }, backChannelLogout: { timeoutMs: 2_000, retryDelaysMs: [50, 50] } },
  });
});
afterAll(async () => {
  await server.close();
  await closeHttp(receiver.server);
});

async function discover(clientId = 'rp', secret = 'rp-secret'): Promise<client.Configuration> {
  return client.discovery(new URL(server.issuer), clientId, secret, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
}

async function authorizeUrl(config: client.Configuration, scope = 'openid profile'): Promise<{ url: string; verifier: string; nonce: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CB, scope, nonce, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
  });
  return { url: url.href, verifier, nonce };
}

async function signIn(config: client.Configuration, user = ALICE, agent = new UserAgent(server.issuer), scope?: string) {
  const { url, verifier, nonce } = await authorizeUrl(config, scope);
  const callback = await authorizeAs(agent, url, user);
  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
  return { tokens, agent, idToken: tokens.id_token as string };
}

/** Whether the agent is still signed in: /authorize asks for a sign-in when it is not. */
async function signedIn(config: client.Configuration, agent: UserAgent): Promise<boolean> {
  const page = await agent.request((await authorizeUrl(config)).url);
  return !(page.status === 200 && page.body.includes('action="/login"'));
}

describe('RP-Initiated Logout 1.0', () => {
  it('is in discovery, with back-channel logout and sid support', async () => {
    const metadata = (await discover()).serverMetadata();
    expect(metadata.end_session_endpoint).toBe(`${server.issuer}/end_session`);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.backchannel_logout_session_supported).toBe(true);
  });

  it('logs out with id_token_hint: back to the registered URI with state, session ended, cookie cleared, the RP told by back-channel', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    const before = receiver.received.length;
    const state = client.randomState();
    const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state });
    const response = await agent.request(url.href);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${LOGGED_OUT}?state=${encodeURIComponent(state)}`);
    expect(response.headers.getSetCookie().join('\n')).toMatch(/tessera_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expect(await signedIn(config, agent)).toBe(false);
    expect(auditEvents.filter((event) => event.event === 'session.ended').at(-1)).toMatchObject({ userId: decodeJwt(idToken).sub, reason: 'rp_logout', address: '127.0.0.1' });

    // Back-Channel Logout 1.0 §2.4 and §2.6, checked as the RP would, with jose against the JWKS.
    const received = await receiver.next(before + 1);
    expect(received.contentType).toBe('application/x-www-form-urlencoded');
    const jwks = createLocalJWKSet(await (await fetch(`${server.issuer}/jwks`)).json());
    const { payload, protectedHeader } = await jwtVerify(received.token, jwks, {
      issuer: server.issuer, audience: 'rp', typ: 'logout+jwt', algorithms: ['RS256'], currentDate: new Date(server.clock.nowSeconds() * 1000),
    });
    const hint = decodeJwt(idToken);
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload.sub).toBe(hint.sub);
    expect(payload.sid).toBe(hint.sid);
    expect(payload.events).toEqual({ [BACKCHANNEL_LOGOUT_EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(120);
  });

  it('refuses an unregistered post_logout_redirect_uri with a page, no redirect, and the session kept', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/out', state: 's' });
    const response = await agent.request(url.href);
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    expect(response.body).toContain('not registered');
    expect(response.body).not.toContain('evil.example');
    expect(await signedIn(config, agent)).toBe(true);
  });

  it('refuses a post_logout_redirect_uri registered for another client than the hint\'s', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    const response = await agent.request(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1:9/other-out' }).href);
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    const mismatch = await agent.request(`/end_session?${new URLSearchParams({ id_token_hint: idToken, client_id: 'other' })}`);
    expect(mismatch.status).toBe(400);
    expect(await signedIn(config, agent)).toBe(true);
  });

  it('without id_token_hint asks first (CSRF-protected), then ends the session and returns with state', async () => {
    const config = await discover();
    const { agent } = await signIn(config);
    const query = new URLSearchParams({ client_id: 'rp', post_logout_redirect_uri: LOGGED_OUT, state: 'xyz' });
    const page = await agent.request(`/end_session?${query}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/end_session/confirm"');
    expect(page.body).toContain('Relying Party');
    // form-action lets the answer's redirect go to the RP.
    expect(page.headers.get('content-security-policy')).toContain('form-action \'self\' http://127.0.0.1:9/logged-out');
    expect(await signedIn(config, agent)).toBe(true);

    const fields = { client_id: hiddenField(page.body, 'client_id'), post_logout_redirect_uri: hiddenField(page.body, 'post_logout_redirect_uri'), state: hiddenField(page.body, 'state') };
    const forged = await agent.request('/end_session/confirm', { form: { ...fields, csrf_token: 'forged', decision: 'logout' } });
    expect(forged.status).toBe(403);
    expect(await signedIn(config, agent)).toBe(true);

    const confirmed = await agent.request('/end_session/confirm', { form: { ...fields, csrf_token: hiddenField(page.body, 'csrf_token'), decision: 'logout' } });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe(`${LOGGED_OUT}?state=xyz`);
    expect(await signedIn(config, agent)).toBe(false);
  });

  it('"Stay signed in" keeps the session', async () => {
    const config = await discover();
    const { agent } = await signIn(config);
    const page = await agent.request('/end_session');
    const stayed = await agent.request('/end_session/confirm', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), decision: 'stay' } });
    expect(stayed.status).toBe(303);
    expect(stayed.location).toBe('/');
    expect(await signedIn(config, agent)).toBe(true);
  });

  it('asks when the hint is another session\'s, or not a valid ID token of this server', async () => {
    const config = await discover();
    const { idToken: bobsToken } = await signIn(config, BOB);
    const { agent, idToken, tokens } = await signIn(config);
    const foreign = await agent.request(client.buildEndSessionUrl(config, { id_token_hint: bobsToken, post_logout_redirect_uri: LOGGED_OUT }).href);
    expect(foreign.status).toBe(200);
    expect(foreign.body).toContain('action="/end_session/confirm"');
    // An access token of this server is signed with the same keys, but is not an ID token.
    const notAnIdToken = await agent.request(`/end_session?${new URLSearchParams({ id_token_hint: tokens.access_token, post_logout_redirect_uri: LOGGED_OUT, client_id: 'rp' })}`);
    expect(notAnIdToken.status).toBe(200);
    expect(notAnIdToken.body).toContain('action="/end_session/confirm"');
    // A hint that did not verify vouches for no redirection: after the answer, a page.
    const confirmed = await agent.request('/end_session/confirm', {
      form: { csrf_token: hiddenField(notAnIdToken.body, 'csrf_token'), id_token_hint: hiddenField(notAnIdToken.body, 'id_token_hint'), client_id: 'rp', post_logout_redirect_uri: LOGGED_OUT, decision: 'logout' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('You are signed out');
    expect(await signedIn(config, agent)).toBe(false);
    const tampered = `${idToken.slice(0, -4)}AAAA`;
    const { agent: again } = await signIn(config);
    const page = await again.request(client.buildEndSessionUrl(config, { id_token_hint: tampered }).href);
    expect(page.body).toContain('action="/end_session/confirm"');
  });

  it('accepts an expired id_token_hint (RP-Initiated Logout 1.0 §2), by POST too', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    server.clock.advance(3600);
    // A POST is handed on as a GET (a cross-site form post carries no SameSite=Lax cookie).
    const posted = await agent.request('/end_session', { form: { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'p', unknown: 'dropped' } });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/end_session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'p' })}`);
    const response = await agent.request(posted.location as string);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${LOGGED_OUT}?state=p`);
    expect(await signedIn(config, agent)).toBe(false);
  });

  it('with nobody signed in, a trusted request just returns to the RP, an untrusted one shows the signed-out page', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    agent.forgetCookies();
    const response = await agent.request(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'n' }).href);
    expect(response.location).toBe(`${LOGGED_OUT}?state=n`);
    const bare = await agent.request('/end_session');
    expect(bare.status).toBe(200);
    expect(bare.body).toContain('You are signed out');
  });

  it('keeps offline_access refresh tokens working after logout (Core §11), with a new ID token of the ended sid', async () => {
    const config = await discover();
    const { agent, idToken, tokens } = await signIn(config, ALICE, new UserAgent(server.issuer), 'openid profile offline_access');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const out = await agent.request(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT }).href);
    expect(out.status).toBe(303);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.claims()?.sub).toBe(decodeJwt(idToken).sub);
  });

  it('refuses a repeated parameter with a page, no redirect', async () => {
    const agent = new UserAgent(server.issuer);
    const response = await agent.request(`/end_session?state=a&state=b&client_id=rp&post_logout_redirect_uri=${encodeURIComponent(LOGGED_OUT)}`);
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
  });
});

describe('Back-Channel Logout 1.0', () => {
  it('retries an RP that fails, then delivers; the account page\'s sign-out notifies too; failures and deliveries are counted', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    const before = receiver.received.length;
    const delivered = await backChannelCount('delivered');
    receiver.statuses = [503];
    const account = await agent.request('/account');
    const out = await agent.request('/logout', { form: { csrf_token: hiddenField(account.body, 'csrf_token') } });
    expect(out.status).toBe(200);
    const received = await receiver.next(before + 1);
    expect(decodeJwt(received.token).sid).toBe(decodeJwt(idToken).sid);
    await expect.poll(() => backChannelCount('delivered')).toBe(delivered + 1);

    // An RP that refuses the token (400) is not asked again, and that is counted as rejected.
    const { agent: second, idToken: secondHint } = await signIn(config);
    const rejected = await backChannelCount('rejected');
    receiver.statuses = [400];
    await second.request(client.buildEndSessionUrl(config, { id_token_hint: secondHint }).href);
    await expect.poll(() => backChannelCount('rejected')).toBe(rejected + 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.length).toBe(before + 1);
  });

  it('notifies each RP of the session once, signed with its ID token algorithm, and only those with a backchannel_logout_uri', async () => {
    const config = await discover();
    const agent = new UserAgent(server.issuer);
    await signIn(config, ALICE, agent);
    const { idToken } = await signIn(config, ALICE, agent);
    await signIn(await discover('other', 'other-secret'), ALICE, agent);
    await signIn(await discover('ed', 'ed-secret'), ALICE, agent);
    const before = receiver.received.length;
    await agent.request(client.buildEndSessionUrl(config, { id_token_hint: idToken }).href);
    await receiver.next(before + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.length).toBe(before + 2);
    const tokens = receiver.received.slice(before).map((received) => received.token);
    const jwks = createLocalJWKSet(await (await fetch(`${server.issuer}/jwks`)).json());
    const byAudience = new Map<string, string>();
    for (const token of tokens) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: server.issuer, typ: 'logout+jwt', currentDate: new Date(server.clock.nowSeconds() * 1000) });
      expect(payload.sid).toBe(decodeJwt(idToken).sid);
      byAudience.set(payload.aud as string, protectedHeader.alg);
    }
    expect(Object.fromEntries(byAudience)).toEqual({ rp: 'RS256', ed: 'EdDSA' });
  });

  it('re-authentication (prompt=login) keeps the sid: logging out notifies the RPs of before and after it, and the older hint is trusted', async () => {
    const rp = await discover();
    const ed = await discover('ed', 'ed-secret');
    const { agent, idToken: firstHint } = await signIn(rp);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const again = client.buildAuthorizationUrl(ed, {
      redirect_uri: CB, scope: 'openid profile', nonce, prompt: 'login',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const page = await agent.request(again.href);
    expect(page.body).toContain('action="/login"');
    const callback = await authorizeAs(agent, again.href, ALICE);
    const tokens = await client.authorizationCodeGrant(ed, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
    const sid = decodeJwt(firstHint).sid;
    expect(decodeJwt(tokens.id_token as string).sid).toBe(sid);
    expect(decodeJwt(tokens.id_token as string).auth_time).toBeGreaterThanOrEqual(decodeJwt(firstHint).auth_time as number);

    const before = receiver.received.length;
    // The hint from before the re-authentication still names this session: no confirmation page.
    const out = await agent.request(client.buildEndSessionUrl(rp, { id_token_hint: firstHint, post_logout_redirect_uri: LOGGED_OUT }).href);
    expect(out.status).toBe(303);
    expect(out.location).toBe(LOGGED_OUT);
    await receiver.next(before + 2);
    const notified = receiver.received.slice(before).map((received) => decodeJwt(received.token));
    expect(notified.map((payload) => payload.aud).sort()).toEqual(['ed', 'rp']);
    expect(notified.every((payload) => payload.sid === sid)).toBe(true);
  });

  it('signing in as another user in the same browser ends the first user\'s session and notifies its RPs', async () => {
    const rp = await discover();
    const { agent, idToken } = await signIn(rp);
    const before = receiver.received.length;
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: CB, scope: 'openid profile', nonce: client.randomNonce(), prompt: 'login',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    await authorizeAs(agent, url.href, BOB);
    const received = await receiver.next(before + 1);
    expect(decodeJwt(received.token).sid).toBe(decodeJwt(idToken).sid);
    expect(decodeJwt(received.token).sub).toBe(decodeJwt(idToken).sub);
  });

  it('withdrawing consent on the account page tells the RP its session with the user ended (the session itself stays)', async () => {
    const rp = await discover();
    const { agent, idToken } = await signIn(rp);
    const before = receiver.received.length;
    const account = await agent.request('/account');
    const withdrawn = await agent.request('/account/withdraw', { form: { csrf_token: hiddenField(account.body, 'csrf_token'), client_id: 'rp' } });
    expect(withdrawn.status).toBe(303);
    // Alice's other sessions of earlier tests with rp are told too: look for this one's sid.
    const sid = decodeJwt(idToken).sid;
    await expect.poll(() => receiver.received.slice(before).map((received) => decodeJwt(received.token)).find((payload) => payload.sid === sid))
      .toMatchObject({ aud: 'rp', sub: decodeJwt(idToken).sub });
  });

  it('gives up on an attempt that times out and tries again', async () => {
    const config = await discover();
    const { agent, idToken } = await signIn(config);
    const before = receiver.received.length;
    receiver.statuses = [0];
    const started = Date.now();
    await agent.request(client.buildEndSessionUrl(config, { id_token_hint: idToken }).href);
    const received = await receiver.next(before + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(decodeJwt(received.token).sid).toBe(decodeJwt(idToken).sid);
  });
});
