import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCli, type ServingCli } from '../helpers/cli.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

const TIMEOUT_MS = 1_500;

/**
 * PostgreSQL stopped and frozen under a running Tessera: 503 temporarily_unavailable with
 * Retry-After within the timeout, never 500 or a hang, and recovery without a restart. The test
 * runs a cluster of its own, so stopping it disturbs no other test.
 */
describe.skipIf(!ThrowawayPostgres.available())('a PostgreSQL that stops or freezes', () => {
  let cluster: ThrowawayPostgres;
  let server: RunningServer;
  const token = () => postForm(`${server.issuer}/token`, 'grant_type=client_credentials&scope=read', { authorization: basic('app', 'app-secret') });

  beforeAll(async () => {
    cluster = ThrowawayPostgres.create();
    cluster.start();
    server = await startServer({
      store: await PostgresStore.connect(cluster.url, { timeoutMs: TIMEOUT_MS }),
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['client_credentials'], scope: 'read' }],
    });
  }, 60_000);
  afterAll(async () => {
    cluster?.thaw();
    await server?.close();
    cluster?.remove();
  });

  it('answers 503 with Retry-After while stopped, and 200 again once started, without a restart', async () => {
    expect((await token()).status).toBe(200);
    cluster.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const response = await token();
      expect(response.status).toBe(503);
      expect(response.json.error).toBe('temporarily_unavailable');
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    }
    // A browser gets a page, not JSON. (A client the server has not looked up yet: 'app' is in its
    // client cache, which answers without the database for up to 10 s, store/registry-cache.ts.)
    const page = await fetch(`${server.issuer}/authorize?client_id=web-app&response_type=code`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');
    const ready = await fetch(`${server.issuer}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: string }).error).toBe('temporarily_unavailable');
    cluster.start();
    expect((await token()).status).toBe(200);
    expect((await fetch(`${server.issuer}/readyz`)).status).toBe(200);
  }, 60_000);

  it('answers 503 within the timeout while frozen (SIGSTOP), never hangs, and recovers on SIGCONT', async () => {
    expect((await token()).status).toBe(200);
    cluster.freeze();
    try {
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 5 }, () => token()));
      expect(responses.map((r) => r.status)).toEqual(Array(5).fill(503));
      expect(responses[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
      // connect timeout, or statement read timeout (timeout + 1 s), plus slack
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 2 + 3_000);
    } finally {
      cluster.thaw();
    }
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await token()).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  }, 60_000);
});

/**
 * Issue 11 "Done when": `/readyz` and the 503s follow a PostgreSQL stop and start without a
 * Tessera restart, and a frozen database gives 503s within the timeout instead of hangs; tried as
 * an operator would, with the built `tessera serve --db postgres://... --db-timeout 2`, under
 * steady traffic from the test.
 */
describe.skipIf(!ThrowawayPostgres.available())('two tessera serve on a PostgreSQL that is stopped, started and frozen under traffic', () => {
  const DB_TIMEOUT_S = 2;
  let cluster: ThrowawayPostgres;
  let serving: ServingCli;
  /** A second instance on the same database (issue 11 §6): the stop and start under traffic to both. */
  let other: ServingCli;
  let work: string;
  const token = (origin = serving.origin) => postForm(`${origin}/token`, 'grant_type=client_credentials&scope=read', { authorization: basic('app', 'app-secret') });
  const readyz = async (origin = serving.origin) => {
    const started = Date.now();
    const response = await fetch(`${origin}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, ms: Date.now() - started };
  };

  /** Requests one after another, alternating between the instances, until stopped; every answer's status and duration. */
  function traffic() {
    const seen: { origin: string; status: number; ms: number }[] = [];
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        const origin = i % 2 === 0 ? serving.origin : other.origin;
        const started = Date.now();
        const response = await token(origin);
        seen.push({ origin, status: response.status, ms: Date.now() - started });
        if (response.status === 503) expect(response.json.error).toBe('temporarily_unavailable');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return { seen, stop: async () => { running = false; await loop; return seen; } };
  }

  async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    cluster = ThrowawayPostgres.create();
    cluster.start();
    work = mkdtempSync(join(tmpdir(), 'tessera-pg-outage-'));
    const secretFile = join(work, 'secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    const seed = join(work, 'seed.json');
    writeFileSync(seed, JSON.stringify({ clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['client_credentials'], scope: 'read' }] }), { mode: 0o600 });
    const args = ['--db', cluster.url, '--db-timeout', String(DB_TIMEOUT_S), '--secret-file', secretFile, '--seed', seed];
    serving = await serveCli(args, { timeoutMs: 60_000 });
    other = await serveCli(args, { timeoutMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    cluster?.thaw();
    await Promise.all([serving?.stop(), other?.stop()]);
    cluster?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('stopped: /readyz and the token endpoint answer 503 with Retry-After at both; started: 200 again, the same processes', async () => {
    const pids = [serving.child.pid, other.child.pid];
    for (const origin of [serving.origin, other.origin]) expect((await readyz(origin)).status).toBe(200);
    const load = traffic();
    await until(async () => load.seen.some((r) => r.status === 200), 10_000);
    cluster.stop();
    for (const origin of [serving.origin, other.origin]) {
      const down = await readyz(origin);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ error: 'temporarily_unavailable' });
    }
    const tokenDown = await fetch(`${serving.origin}/token`, {
      method: 'POST', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('app', 'app-secret') },
    });
    expect(tokenDown.status).toBe(503);
    expect(tokenDown.headers.get('retry-after')).toMatch(/^\d+$/);
    await until(async () => [serving.origin, other.origin].every((origin) => load.seen.filter((r) => r.origin === origin && r.status === 503).length >= 2), 15_000);
    cluster.start();
    // Recovery by itself: no restart, readiness and tokens come back at both.
    for (const origin of [serving.origin, other.origin]) await until(async () => (await readyz(origin)).status === 200, 20_000);
    const before = load.seen.length;
    await until(async () => [serving.origin, other.origin].every((origin) => load.seen.slice(before).some((r) => r.origin === origin && r.status === 200)), 10_000);
    const seen = await load.stop();
    expect(new Set(seen.map((r) => r.status))).toEqual(new Set([200, 503]));
    // Never a 500, never a hang: each answer within the statement/connect bound plus slack.
    for (const r of seen) expect(r.ms).toBeLessThan(DB_TIMEOUT_S * 1000 * 2 + 3_000);
    expect([serving.child.pid, other.child.pid]).toEqual(pids);
    for (const instance of [serving, other]) {
      expect(instance.child.exitCode).toBeNull();
      // The request log saw the 503s, and no 500 (request-log.ts logs `"status":N` per request).
      expect(instance.output()).toMatch(/"status":503/);
      expect(instance.output()).not.toMatch(/"status":50[^3]/);
    }
  }, 120_000);

  // Both instances (RFC review L10: docs/OPERATIONS.md says two instances are tested frozen).
  it('frozen (SIGSTOP): /readyz and tokens answer 503 within --db-timeout at both instances, never hang; thawed: 200 again at both', async () => {
    const origins = [serving.origin, other.origin];
    for (const origin of origins) expect((await token(origin)).status).toBe(200);
    cluster.freeze();
    try {
      const started = Date.now();
      const answers = await Promise.all(origins.map(async (origin) => {
        const [ready, ...tokens] = await Promise.all([readyz(origin), token(origin), token(origin), token(origin)]);
        return { ready, tokens };
      }));
      for (const { ready, tokens } of answers) {
        expect(ready.status).toBe(503);
        // /readyz waits at most its own 2 s bound for the ping.
        expect(ready.ms).toBeLessThan(DB_TIMEOUT_S * 1000 + 2_000);
        expect(tokens.map((r) => r.status)).toEqual([503, 503, 503]);
        expect(tokens[0]?.json.error).toBe('temporarily_unavailable');
      }
      // connect timeout, or statement read timeout (timeout + 1 s), plus slack
      expect(Date.now() - started).toBeLessThan(DB_TIMEOUT_S * 1000 * 2 + 3_000);
    } finally {
      cluster.thaw();
    }
    for (const origin of origins) {
      await until(async () => (await readyz(origin)).status === 200, 20_000);
      await until(async () => (await token(origin)).status === 200, 20_000);
    }
    expect(serving.child.exitCode).toBeNull();
    expect(other.child.exitCode).toBeNull();
  }, 120_000);
});
