import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLinesAuditLog } from '../../src/server/audit-log.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

const ANN = { username: 'ann', password: 'ann-password-secret' };
const CB = 'https://app.example/cb';
const APP = { client_id: 'app', client_name: 'App', client_secret: 'app-client-secret', grant_types: ['authorization_code', 'refresh_token', 'password'], redirect_uris: [CB], scope: 'read' };
const SERVICE = { client_id: 'service', client_secret: 'service-client-secret', grant_types: ['client_credentials'], scope: 'read' };

let server: RunningServer;
let raw = '';
const events = () => raw.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const secretsSeen: string[] = [ANN.password, APP.client_secret, SERVICE.client_secret, 'wrong-password-typed', 'wrong-client-secret'];

beforeAll(async () => {
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
  server = await startServer({ clients: [APP, SERVICE], users: [ANN], server: { audit: new JsonLinesAuditLog(out) } });
});
afterAll(async () => server?.close());

/** The events of one request, by the X-Request-Id it answered with. */
const ofRequest = (id: string | null) => events().filter((event) => event.request_id === id);
const token = (body: Record<string, string>, client: { client_id: string; client_secret: string }) =>
  postForm(`${server.issuer}/token`, new URLSearchParams(body).toString(), { authorization: basic(client.client_id, client.client_secret) });

describe('security audit events, one JSON line each', () => {
  it('token issued, and client authentication failed', async () => {
    const issued = await token({ grant_type: 'client_credentials' }, SERVICE);
    expect(issued.status).toBe(200);
    secretsSeen.push(issued.json.access_token as string);
    expect(ofRequest(issued.headers.get('x-request-id'))).toEqual([
      expect.objectContaining({ event: 'token.issued', grant_type: 'client_credentials', client_id: 'service', address: '127.0.0.1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
    const refused = await token({ grant_type: 'client_credentials' }, { ...SERVICE, client_secret: 'wrong-client-secret' });
    expect(refused.status).toBe(401);
    expect(ofRequest(refused.headers.get('x-request-id'))).toEqual([
      expect.objectContaining({ event: 'client_authentication.failed', client_id: 'service', reason: 'wrong_secret' }),
    ]);
  });

  it('sign-in failed and succeeded (password grant), token refreshed, refresh-token reuse, token revoked', async () => {
    const wrong = await token({ grant_type: 'password', username: ANN.username, password: 'wrong-password-typed', scope: 'read' }, APP);
    expect(wrong.status).toBe(400);
    expect(ofRequest(wrong.headers.get('x-request-id'))).toEqual([expect.objectContaining({ event: 'sign_in.failed', client_id: 'app' })]);

    const granted = await token({ grant_type: 'password', ...ANN, scope: 'read' }, APP);
    expect(granted.status).toBe(200);
    const first = granted.json.refresh_token as string;
    secretsSeen.push(granted.json.access_token as string, first);
    const signedIn = ofRequest(granted.headers.get('x-request-id'));
    expect(signedIn.map((event) => event.event)).toEqual(['sign_in.succeeded', 'token.issued']);
    const userId = signedIn[0]?.user_id;
    expect(typeof userId).toBe('string');

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first }, APP);
    expect(refreshed.status).toBe(200);
    secretsSeen.push(refreshed.json.access_token as string, refreshed.json.refresh_token as string);
    expect(ofRequest(refreshed.headers.get('x-request-id'))).toEqual([expect.objectContaining({ event: 'token.refreshed', grant_type: 'refresh_token', client_id: 'app' })]);

    // Past the retry window the first token is a replay: its grant is revoked.
    server.clock.advance(server.config.settings.refreshRetryWindow + 1);
    const replay = await token({ grant_type: 'refresh_token', refresh_token: first }, APP);
    expect(replay.status).toBe(400);
    expect(ofRequest(replay.headers.get('x-request-id'))).toEqual([expect.objectContaining({ event: 'refresh_token.reuse_detected', client_id: 'app', user_id: userId })]);

    const again = await token({ grant_type: 'password', ...ANN, scope: 'read' }, APP);
    secretsSeen.push(again.json.access_token as string, again.json.refresh_token as string);
    const revoked = await postForm(`${server.issuer}/revoke`, new URLSearchParams({ token: again.json.refresh_token as string }).toString(), { authorization: basic(APP.client_id, APP.client_secret) });
    expect(revoked.status).toBe(200);
    expect(ofRequest(revoked.headers.get('x-request-id'))).toEqual([expect.objectContaining({ event: 'token.revoked', token_kind: 'refresh_token', client_id: 'app', user_id: userId })]);
  });

  it('sign-in at the page, consent denied, granted and withdrawn', async () => {
    const before = events().length;
    const authorize = `/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB, scope: 'read' })}`;
    const denied = await authorizeAs(new UserAgent(server.issuer), authorize, ANN, 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    const agent = new UserAgent(server.issuer);
    const allowed = await authorizeAs(agent, authorize, ANN, 'allow');
    secretsSeen.push(allowed.searchParams.get('code') as string);
    const account = await agent.request('/account');
    await agent.request('/account/withdraw', { form: { csrf_token: hiddenField(account.body, 'csrf_token'), client_id: 'app' } });
    const names = events().map((event) => event.event);
    for (const name of ['sign_in.succeeded', 'consent.denied', 'consent.granted', 'consent.withdrawn']) expect(names).toContain(name);
    // The sign-in page continued an authorization request of 'app'.
    const signIns = events().slice(before).filter((event) => event.event === 'sign_in.succeeded');
    expect(signIns).toHaveLength(2);
    for (const signIn of signIns) expect(signIn).toMatchObject({ client_id: 'app', user_id: expect.any(String) });
    for (const event of events().filter((candidate) => String(candidate.event).startsWith('consent.'))) {
      expect(event).toMatchObject({ client_id: 'app', user_id: expect.any(String), request_id: expect.any(String) });
    }
  });

  it('never carries a secret: passwords, client secrets, tokens, codes', () => {
    expect(secretsSeen.length).toBeGreaterThan(8);
    for (const secret of secretsSeen) {
      expect(secret.length).toBeGreaterThan(8);
      expect(raw).not.toContain(secret);
    }
    expect(raw).not.toContain(ANN.username);
  });
});

describe('key.created', () => {
  // RFC review L3: the keys a start stores (one of every algorithm) are audited like rotations.
  it('is recorded for each key a server start stores, with its kid and algorithm', async () => {
    let lines = '';
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => { lines += chunk.toString('utf8'); });
    const server = await startServer({ server: { audit: new JsonLinesAuditLog(out) } });
    try {
      const created = lines.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((event) => event.event === 'key.created');
      const stored = await server.store.keys.listActive();
      expect(created.map((event) => [event.kid, event.alg, event.reason]).sort()).toEqual(
        stored.map((key) => [key.kid, key.alg, 'algorithm_without_key']).sort(),
      );
      for (const event of created) expect(typeof event.time).toBe('string');
    } finally {
      await server.close();
    }
  });
});

describe('key.rotated and key.retired', () => {
  it('are recorded, per algorithm, when the server rotates its keys by itself (--key-rotation-interval) and retires the old ones', async () => {
    let lines = '';
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => { lines += chunk.toString('utf8'); });
    const rotating = await startServer({
      flags: { keyRotationInterval: '3600' }, resources: [{ resource: 'https://rs.api.example', signing_alg: 'RS256' }],
      server: { audit: new JsonLinesAuditLog(out), keyReloadMs: 50 },
    });
    const keyEvents = () => lines.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.event === 'key.rotated' || event.event === 'key.retired');
    try {
      const before = await rotating.store.keys.listActive();
      expect(before.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      rotating.clock.advance(3601);
      await expect.poll(() => keyEvents().length, { timeout: 10_000, interval: 50 }).toBe(3);
      const rotated = keyEvents();
      expect(rotated.map((event) => event.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      for (const event of rotated) expect(event).toMatchObject({ event: 'key.rotated', kid: expect.any(String), reason: 'rotation_interval' });
      // The new keys sign after the grace (JWKS max-age 300 + 60); the old ones' tokens have expired
      // after the access-token lifetime (300) and a margin (60): then the server retires them.
      rotating.clock.advance(360 + 300 + 60 + 1);
      await expect.poll(() => keyEvents().length, { timeout: 10_000, interval: 50 }).toBe(6);
      const retired = keyEvents().slice(3);
      expect(retired.map((event) => [event.event, event.alg, event.reason]).sort()).toEqual([
        ['key.retired', 'ES256', 'tokens_expired'], ['key.retired', 'EdDSA', 'tokens_expired'], ['key.retired', 'RS256', 'tokens_expired'],
      ]);
      expect(retired.map((event) => event.kid).sort()).toEqual(before.map((key) => key.kid).sort());
    } finally {
      await rotating.close();
    }
  });
});
