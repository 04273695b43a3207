import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { buildServer } from '../../src/server/app.js';
import { startExpiryPurge } from '../../src/server/expiry-purge.js';
import { serverSettings } from '../../src/server/settings.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { hiddenField, UserAgent } from '../helpers/user-agent.js';

// Security review finding 9, "unbounded growth": every cookieless visit to /authorize or /login
// stored a session row (60,000 visits in 15 s made 60,000 rows); every request with a new
// username added a throttle row, even from an address already blocked, and throttle rows were
// never purged; the first purge ran 10 minutes after start.

const CB = 'https://app.example/cb';
const CLIENT = { client_id: 'web', client_secret: 'web-secret', grant_types: ['authorization_code', 'password'], redirect_uris: [CB], scope: 'read' };
const USER = { username: 'gail', password: 'gail-password' };

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [CLIENT], users: [USER], flags: { trustProxy: '127.0.0.1' } });
});
afterAll(async () => server?.close());

const db = () => (server.store as SqliteStore).db;
const count = (table: string) => (db().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

async function inBatches(total: number, work: (i: number) => Promise<unknown>): Promise<void> {
  for (let done = 0; done < total; done += 50) await Promise.all(Array.from({ length: Math.min(50, total - done) }, (_, i) => work(done + i)));
}

describe('finding 9: anonymous visits write nothing to the database', () => {
  it('1,000 cookieless GETs of /authorize and /login leave the sessions table empty', async () => {
    const authorize = `${server.issuer}/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'read', state: 's' })}`;
    let cookies = 0;
    await inBatches(1_000, async (i) => {
      const response = await fetch(i % 2 === 0 ? authorize : `${server.issuer}/login`);
      expect(response.status).toBe(200);
      if (response.headers.getSetCookie().length > 0) cookies++;
      await response.arrayBuffer();
    });
    expect(cookies).toBe(1_000);
    expect(count('sessions')).toBe(0);
  });

  it('keeps the sign-in form\'s CSRF token in an encrypted cookie: not readable, not forgeable, and a sign-in stores one row', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request('/login');
    const csrf = hiddenField(page.body, 'csrf_token');
    const cookie = agent.cookieHeader();
    expect(cookie).not.toContain(csrf);
    expect(count('sessions')).toBe(0);

    // A cookie changed by one character does not open: the form is refused.
    const [name, value] = cookie.split('=') as [string, string];
    const flipped = `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.at(-1)}`;
    const forged = await fetch(`${server.issuer}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: `${name}=${flipped}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf, return_to: '/', ...USER }).toString(),
    });
    expect(forged.status).toBe(403);

    const signedIn = await agent.request('/login', { form: { csrf_token: csrf, return_to: '/', ...USER } });
    expect(signedIn.status).toBe(303);
    expect(count('sessions')).toBe(1);
    expect(agent.cookieHeader()).not.toBe(cookie);
    const home = await agent.request('/account');
    expect(home.body).toContain('Sign out');
    await agent.request('/logout', { form: { csrf_token: hiddenField(home.body, 'csrf_token') } });
    expect(count('sessions')).toBe(0);
  });

  it('1,000 wrong usernames from a blocked address add no throttle rows', async () => {
    const guess = (username: string) => postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'password', username, password: 'guess' }).toString(), {
      authorization: basic('web', 'web-secret'), 'x-forwarded-for': '203.0.113.50',
    });
    let refused = 0;
    for (let i = 0; i < 25; i++) if ((await guess(`warmup-${i}`)).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);
    const rows = count('throttle');
    await inBatches(1_000, async (i) => expect((await guess(`new-name-${i}`)).status).toBe(429));
    expect(count('throttle')).toBe(rows);
  });
});

describe('finding 9: purge and WAL', () => {
  it('the expiry purge runs within seconds of start, and removes ended throttle windows, expired sessions and deny-list rows', async () => {
    const store = new SqliteStore(':memory:');
    const now = systemClock.nowSeconds();
    await store.sessions.save({ hash: 'expired', userId: 'u', csrfToken: 'c', authTime: now - 100, createdAt: now - 100, expiresAt: now - 1 });
    await store.sessions.save({ hash: 'live', userId: 'u', csrfToken: 'c', authTime: now, createdAt: now, expiresAt: now + 3_600 });
    store.db.prepare('INSERT INTO throttle (key, failures, window_start) VALUES (?, ?, ?)').run('ip:ended', 3, now - 3_600);
    store.db.prepare('INSERT INTO throttle (key, failures, window_start) VALUES (?, ?, ?)').run('ip:current', 3, now);
    // The access-token deny list: a revoked token's row goes after its exp; a family's once every
    // access token it could end has expired (accessTokenTtl, plus a day).
    await store.denials.denyToken('expired-jti', now - 1, now - 100);
    await store.denials.denyToken('live-jti', now + 300, now);
    store.db.prepare('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES (?, ?, NULL)').run('family:old', now - 300 - 86_400 - 1);
    store.db.prepare('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES (?, ?, NULL)').run('family:recent', now - 300);
    const purge = startExpiryPurge(store, { clock: systemClock, accessTokenTtl: 300 });
    try {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n > 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((store.db.prepare('SELECT hash FROM sessions').all() as { hash: string }[]).map((r) => r.hash)).toEqual(['live']);
      expect((store.db.prepare('SELECT key FROM throttle').all() as { key: string }[]).map((r) => r.key)).toEqual(['ip:current']);
      expect((store.db.prepare('SELECT key FROM access_token_denials ORDER BY key').all() as { key: string }[]).map((r) => r.key))
        .toEqual(['family:recent', 'jti:live-jti']);
    } finally {
      purge.stop();
      await store.close();
    }
  });

  it('a sign-in form sealed under a retired server secret still opens after rotation', async () => {
    const old = 'o'.repeat(32);
    const fresh = 'n'.repeat(32);
    const store = new SqliteStore(':memory:');
    const settings = serverSettings({ issuer: 'http://127.0.0.1' });
    const before = await buildServer({ settings, store, logger: false, secrets: ServerSecrets.from([old]) });
    const after = await buildServer({ settings, store, logger: false, secrets: ServerSecrets.from([fresh, old]) });
    const stranger = await buildServer({ settings, store, logger: false, secrets: ServerSecrets.from([fresh]) });
    try {
      const page = await before.inject({ method: 'GET', url: '/login' });
      const cookie = page.headers['set-cookie'] as string;
      const csrf = hiddenField(page.body, 'csrf_token');
      const post = (app: typeof before) => app.inject({
        method: 'POST', url: '/login', headers: { cookie: cookie.split(';')[0] as string, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf_token: csrf, return_to: '/', username: 'nobody', password: 'x' }).toString(),
      });
      expect((await post(after)).statusCode).toBe(401);
      expect((await post(stranger)).statusCode).toBe(403);
    } finally {
      await before.close();
      await after.close();
      await stranger.close();
      await store.close();
    }
  });
});
