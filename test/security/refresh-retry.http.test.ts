import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExpiryPurge } from '../../src/server/expiry-purge.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 15: strict reuse detection revoked a grant whenever a client retried a
// refresh in parallel (several tabs, two workers) or never received the rotation's response (a
// crash or a network cut between commit and reply). A retry by the same client, within the retry
// window and while the successor is unused, now gets the same successor tokens; any other reuse
// still revokes the grant (RFC 9700 §4.14.2).

const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read write' };
const OTHER = { client_id: 'other', client_secret: 'other-secret', grant_types: ['password', 'refresh_token'], scope: 'read write' };
const SPA = { client_id: 'spa', token_endpoint_auth_method: 'none', grant_types: ['password', 'refresh_token'], scope: 'read' };
const ANN = { username: 'ann', password: 'ann-password' };

type Pair = { access_token: string; refresh_token: string; expires_in: number; scope: string };
type Client = readonly [string, string | null];
const app: Client = ['app', 'app-secret'];

let server: RunningServer;
beforeAll(async () => { server = await startServer({ clients: [APP, OTHER, SPA], users: [ANN] }); });
afterAll(async () => server?.close());

const window = () => server.config.settings.refreshRetryWindow;

function auth(client: Client): { headers: Record<string, string>; body: string } {
  return client[1] === null ? { headers: {}, body: `&client_id=${client[0]}` } : { headers: { authorization: basic(client[0], client[1]) }, body: '' };
}

async function signIn(on = server, client: Client = app): Promise<Pair> {
  const { headers, body } = auth(client);
  const response = await postForm(`${on.issuer}/token`, `grant_type=password&username=ann&password=ann-password${body}`, headers);
  expect(response.status).toBe(200);
  return response.json as Pair;
}

function refresh(token: string, client: Client = app, on = server) {
  const { headers, body } = auth(client);
  return postForm(`${on.issuer}/token`, `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}${body}`, headers);
}

/** Introspected by the token's own client (RFC 7662 §4: the server decides who may see a token). */
async function active(token: string, on = server): Promise<boolean> {
  const response = await postForm(`${on.issuer}/introspect`, `token=${encodeURIComponent(token)}`, { authorization: basic('app', 'app-secret') });
  return response.json.active as boolean;
}

/** Every value of every row of every table of a SQLite database, as one string. */
function everythingStored(store: SqliteStore): string {
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables.map(({ name }) => JSON.stringify(store.db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
}

describe('refresh retries are idempotent (finding 15)', () => {
  it('20 parallel refreshes of one token all get the same new pair, and the grant stays alive', async () => {
    const first = await signIn();
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(first.refresh_token)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.json.access_token)).size).toBe(1);
    expect(new Set(results.map((r) => r.json.refresh_token)).size).toBe(1);
    const successor = results[0]!.json as Pair;
    expect(successor.refresh_token).not.toBe(first.refresh_token);
    expect(await active(successor.access_token)).toBe(true);
    const next = await refresh(successor.refresh_token);
    expect(next.status).toBe(200);
    expect(await active(next.json.access_token as string)).toBe(true);
  });

  it('a public client retrying in parallel gets the same pair too', async () => {
    const spa: Client = ['spa', null];
    const first = await signIn(server, spa);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refresh_token, spa)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(new Set(results.map((r) => `${r.json.access_token} ${r.json.refresh_token}`)).size).toBe(1);
  });

  it('a retry within the window after a lost response gets the same pair, with the access token\'s remaining lifetime', async () => {
    const first = await signIn();
    const lost = await refresh(first.refresh_token);
    expect(lost.status).toBe(200);
    server.clock.advance(window() - 1);
    const retry = await refresh(first.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.json.access_token).toBe(lost.json.access_token);
    expect(retry.json.refresh_token).toBe(lost.json.refresh_token);
    expect(retry.json.scope).toBe(lost.json.scope);
    expect(retry.json.token_type).toBe('Bearer');
    // The same access token, so its remaining lifetime, not a fresh one.
    expect(retry.json.expires_in).toBe((lost.json.expires_in as number) - (window() - 1));
    expect(await active(retry.json.access_token as string)).toBe(true);
    expect((await refresh(retry.json.refresh_token as string)).status).toBe(200);
  });

  it('a retry after the window revokes the grant', async () => {
    const first = await signIn();
    const rotated = await refresh(first.refresh_token);
    server.clock.advance(window());
    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect(replay.json).not.toHaveProperty('access_token');
    expect((await refresh(rotated.json.refresh_token as string)).json.error).toBe('invalid_grant');
    expect(await active(rotated.json.access_token as string)).toBe(false);
  });

  it('a retry after the successor was used revokes the grant', async () => {
    const first = await signIn();
    const rotated = await refresh(first.refresh_token);
    const next = await refresh(rotated.json.refresh_token as string);
    expect(next.status).toBe(200);
    const replay = await refresh(first.refresh_token);
    expect(replay.json.error).toBe('invalid_grant');
    expect(replay.json).not.toHaveProperty('access_token');
    expect((await refresh(next.json.refresh_token as string)).json.error).toBe('invalid_grant');
    expect(await active(next.json.access_token as string)).toBe(false);
  });

  it('another client presenting the rotated token gets invalid_grant, never the successor', async () => {
    const first = await signIn();
    const rotated = await refresh(first.refresh_token);
    const stranger = await refresh(first.refresh_token, ['other', 'other-secret']);
    expect(stranger.status).toBe(400);
    expect(stranger.json.error).toBe('invalid_grant');
    expect(stranger.json).not.toHaveProperty('access_token');
    expect(stranger.json).not.toHaveProperty('refresh_token');
    // RFC 6749 §6: the token is bound to its client; another client learns nothing from it.
    expect((await refresh(first.refresh_token)).json.refresh_token).toBe(rotated.json.refresh_token);
  });

  it('a revoked successor is not resurrected by a retry', async () => {
    const first = await signIn();
    const rotated = await refresh(first.refresh_token);
    const revoked = await postForm(`${server.issuer}/revoke`, `token=${rotated.json.refresh_token as string}`, { authorization: basic('app', 'app-secret') });
    expect(revoked.status).toBe(200);
    const retry = await refresh(first.refresh_token);
    expect(retry.json.error).toBe('invalid_grant');
    expect(retry.json).not.toHaveProperty('access_token');
    expect(await active(rotated.json.access_token as string)).toBe(false);
    expect(await active(rotated.json.refresh_token as string)).toBe(false);
  });

  it('a retry does not answer with an access token revoked meanwhile', async () => {
    const first = await signIn();
    const rotated = await refresh(first.refresh_token);
    await postForm(`${server.issuer}/revoke`, `token=${rotated.json.access_token as string}`, { authorization: basic('app', 'app-secret') });
    const retry = await refresh(first.refresh_token);
    expect(retry.json.error).toBe('invalid_grant');
    expect(retry.json).not.toHaveProperty('access_token');
    expect(await active(rotated.json.access_token as string)).toBe(false);
  });

  it('the database never holds the successor tokens readable', async () => {
    const first = await signIn();
    const rotated = (await refresh(first.refresh_token)).json as Pair;
    const stored = everythingStored(server.store as SqliteStore);
    // The retry is kept (it is answered), but only sealed: no token, not even the JWT's signature.
    expect((await refresh(first.refresh_token)).json.access_token).toBe(rotated.access_token);
    for (const secret of [rotated.refresh_token, rotated.refresh_token.slice('tsr_rt_'.length), rotated.access_token,
      ...rotated.access_token.split('.').slice(1)]) {
      expect(stored).not.toContain(secret);
    }
  });

  it('the sealed successor is gone after the window and the next purge', async () => {
    const first = await signIn();
    await refresh(first.refresh_token);
    const sealedRows = () => ((server.store as SqliteStore).db.prepare('SELECT count(*) AS n FROM refresh_retries').get() as { n: number }).n;
    expect(sealedRows()).toBeGreaterThan(0);
    const purge = startExpiryPurge(server.store, { clock: server.clock });
    try {
      await purge.purgeNow();
      expect(sealedRows()).toBeGreaterThan(0);
      server.clock.advance(window());
      await purge.purgeNow();
      expect(sealedRows()).toBe(0);
    } finally {
      purge.stop();
    }
  });
});

describe('two workers on one database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-retry-'));
  const path = join(dir, 'tessera.db');
  let one: RunningServer;
  let two: RunningServer;
  let oneClosed = false;
  beforeAll(async () => {
    one = await startServer({ store: new SqliteStore(path), clients: [APP], users: [ANN] });
    // Two instances of one deployment: one secret, one default audience (each listens on its own port).
    two = await startServer({ store: new SqliteStore(path), secrets: one.secrets, flags: { audience: one.config.settings.audience } });
  });
  afterAll(async () => {
    if (!oneClosed) await one?.close();
    await two?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('20 parallel refreshes spread over both get the same pair', async () => {
    const first = await signIn(one);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(first.refresh_token, app, i % 2 === 0 ? one : two)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => `${r.json.access_token} ${r.json.refresh_token}`)).size).toBe(1);
  });

  it('a worker that dies between commit and reply: the retry at the other gets the same pair, and the grant survives', async () => {
    const first = await signIn(one);
    // The rotation commits at the first worker, which then dies before the client reads the reply.
    const lost = (await refresh(first.refresh_token, app, one)).json as Pair;
    await one.close();
    oneClosed = true;
    two.clock.advance(2);
    const retry = await refresh(first.refresh_token, app, two);
    expect(retry.status, JSON.stringify(retry.json)).toBe(200);
    expect(retry.json.refresh_token).toBe(lost.refresh_token);
    expect(retry.json.access_token).toBe(lost.access_token);
    expect((await refresh(lost.refresh_token, app, two)).status).toBe(200);
  });
});

/**
 * POSTs a form over a raw socket and drops the connection at the first byte of the answer: the
 * server has committed, and the client never reads what it answered (a network cut).
 */
async function postAndLoseAnswer(origin: string, path: string, body: string, authorization: string): Promise<void> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => { socket.destroy(); resolve(); });
    socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: ${authorization}\r\n`
      + `content-type: application/x-www-form-urlencoded\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}

describe('tessera serve killed (SIGKILL) after a rotation whose answer was lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sigkill-'));
  const db = `sqlite:${join(dir, 't.db')}`;
  const seed = join(dir, 'seed.json');
  let tessera: ServingCli | undefined;
  afterAll(async () => {
    await tessera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no refresh chain loses its grant: after the restart, each retries the token whose answer it lost, and goes on', async () => {
    writeFileSync(seed, JSON.stringify({ clients: [APP], users: [ANN] }), { mode: 0o600 });
    tessera = await serveCli(['--db', db, '--seed', seed, '--audience', 'https://chains.example']);
    const authorization = basic('app', 'app-secret');
    const post = (origin: string, body: string) => postForm(`${origin}/token`, body, { authorization });
    const chains: string[] = [];
    for (let i = 0; i < 4; i++) {
      const pair = await post(tessera.origin, 'grant_type=password&username=ann&password=ann-password');
      const rotated = await post(tessera.origin, `grant_type=refresh_token&refresh_token=${pair.json.refresh_token as string}`);
      expect(rotated.status).toBe(200);
      chains.push(rotated.json.refresh_token as string);
    }
    // Each chain's next rotation commits, its answer is lost, and then the process is killed.
    for (const token of chains) await postAndLoseAnswer(tessera.origin, '/token', `grant_type=refresh_token&refresh_token=${token}`, authorization);
    tessera.child.kill('SIGKILL');
    await tessera.stop();

    tessera = await serveCli(['--db', db, '--seed', seed, '--audience', 'https://chains.example']);
    for (const token of chains) {
      const retried = await post(tessera.origin, `grant_type=refresh_token&refresh_token=${token}`);
      expect(retried.status, JSON.stringify(retried.json)).toBe(200);
      const onward = await post(tessera.origin, `grant_type=refresh_token&refresh_token=${retried.json.refresh_token as string}`);
      expect(onward.status, JSON.stringify(onward.json)).toBe(200);
    }
  });
});

describe('--refresh-retry-window 0', () => {
  let strict: RunningServer;
  beforeAll(async () => { strict = await startServer({ clients: [APP], users: [ANN], flags: { refreshRetryWindow: '0' } }); });
  afterAll(async () => strict?.close());

  it('disables retries: of 20 parallel refreshes one succeeds, and the reuse revokes the grant', async () => {
    expect(strict.config.settings.refreshRetryWindow).toBe(0);
    const first = await signIn(strict);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(first.refresh_token, app, strict)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.json.error === 'invalid_grant')).toHaveLength(19);
    expect(await active(winners[0]!.json.access_token as string, strict)).toBe(false);
  });
});
