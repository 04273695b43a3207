import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';

// Issue 12 §2: clients and resource servers are read from memory in each process; a change made
// by another process (the CLI, another worker, another instance) reaches every one within the
// refresh interval, and never later than the 10 s of docs/SECURITY.md. The servers here check
// every 100 ms (--client-cache-refresh), so each change must show within a few hundred ms; the
// tests allow 5 s on this busy machine, half the documented bound.

const run = promisify(execFile);
const REFRESH_MS = '100';
const WITHIN_MS = 5_000;
const env = { ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '', TESSERA_CLIENT_CACHE_REFRESH: '' };
const work = mkdtempSync(join(tmpdir(), 'tessera-client-cache-'));

async function tessera(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env });
  return stdout;
}

/** A command that must fail: its exit code and what it printed on stderr. */
async function tesseraFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args], { env });
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
  throw new Error(`tessera ${args.join(' ')} succeeded`);
}

// Each request from its own address (the servers trust X-Forwarded-For from 127.0.0.1): the
// failures a process still holding an old record counts must not add up to the client-secret
// throttle's limit of 10 per (client, address), or a slow check would see 429 for 401.
let addresses = 0;
const nextAddress = () => `198.51.${Math.floor(++addresses / 250) % 250}.${(addresses % 250) + 1}`;

const clientCredentials = (origin: string, clientId: string, secret: string) =>
  postForm(`${origin}/token`, 'grant_type=client_credentials', { authorization: basic(clientId, secret), 'x-forwarded-for': nextAddress() });

async function authorizeStatus(origin: string, clientId: string, redirectUri: string): Promise<number> {
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read' });
  return (await fetch(`${origin}/authorize?${query}`, { redirect: 'manual' })).status;
}

/**
 * Asks `probe` until `times` answers in a row (fresh connections, so that they spread over the
 * workers) are `expected`; fails if that takes longer than WITHIN_MS.
 */
async function within<T>(probe: () => Promise<T>, expected: T, times = 6): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answers: T[] = [];
    for (let i = 0; i < times; i++) answers.push(await probe());
    if (answers.every((answer) => answer === expected)) return Date.now() - started;
    if (Date.now() - started > WITHIN_MS) throw new Error(`still ${JSON.stringify(answers)} after ${WITHIN_MS} ms, expected ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(requireBuiltCli);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a client changed with `tessera client ...` while `tessera serve --workers 2` runs (SQLite file)', () => {
  const db = `sqlite:${join(work, 'workers.db')}`;
  let server: ServingCli;

  async function create(clientId: string): Promise<string> {
    const created = JSON.parse(await tessera('client', 'create', '--db', db, '--client-id', clientId, '--grant-type', 'client_credentials',
      '--grant-type', 'authorization_code', '--redirect-uri', 'http://app.test/one', '--scope', 'read')) as { client_secret: string };
    return created.client_secret;
  }

  let renamedSecret: string;
  let rotatedSecret: string;
  let deletedSecret: string;
  beforeAll(async () => {
    renamedSecret = await create('svc-redirects');
    rotatedSecret = await create('svc-rotated');
    deletedSecret = await create('svc-deleted');
    server = await serveCli(['--db', db, '--workers', '2', '--client-cache-refresh', REFRESH_MS, '--trust-proxy', '127.0.0.1'], { workers: 2 });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('uses changed redirect URIs on every worker within the bound', async () => {
    const { origin } = server;
    // Every worker has the client in memory, with its first redirect URI.
    await within(() => authorizeStatus(origin, 'svc-redirects', 'http://app.test/one'), 200);
    await within(() => authorizeStatus(origin, 'svc-redirects', 'http://app.test/two'), 400);
    expect((await clientCredentials(origin, 'svc-redirects', renamedSecret)).status).toBe(200);
    const updated = JSON.parse(await tessera('client', 'update', 'svc-redirects', '--db', db, '--redirect-uri', 'http://app.test/two')) as { redirect_uris: string[] };
    expect(updated.redirect_uris).toEqual(['http://app.test/two']);
    await within(() => authorizeStatus(origin, 'svc-redirects', 'http://app.test/two'), 200);
    await within(() => authorizeStatus(origin, 'svc-redirects', 'http://app.test/one'), 400);
    // The secret was kept.
    expect((await clientCredentials(origin, 'svc-redirects', renamedSecret)).status).toBe(200);
  });

  it('refuses a rotated secret on every worker within the bound, and takes the new one', async () => {
    const { origin } = server;
    await within(async () => (await clientCredentials(origin, 'svc-rotated', rotatedSecret)).status, 200);
    const rotated = JSON.parse(await tessera('client', 'rotate-secret', 'svc-rotated', '--db', db)) as { client_secret: string };
    expect(rotated.client_secret).toMatch(/^tsr_cs_/);
    await within(async () => (await clientCredentials(origin, 'svc-rotated', rotated.client_secret)).status, 200);
    const refused = await clientCredentials(origin, 'svc-rotated', rotatedSecret);
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('invalid_client');
  });

  it('refuses a deleted client on every worker within the bound', async () => {
    const { origin } = server;
    await within(async () => (await clientCredentials(origin, 'svc-deleted', deletedSecret)).status, 200);
    await tessera('client', 'delete', 'svc-deleted', '--db', db);
    await within(async () => (await clientCredentials(origin, 'svc-deleted', deletedSecret)).status, 401);
    await within(() => authorizeStatus(origin, 'svc-deleted', 'http://app.test/one'), 400);
  });
});

// Red team of issue 12 (#3): after `tessera client delete`, a process whose client cache had not
// yet refreshed kept issuing the client's tokens, dated after its cut-off: they stayed active for
// their lifetime, even for a client registered again under the same client_id. The cut-off of a
// deleted client is dated ahead by the cache bound. Here the server reads the registry version
// only every 5 s (the most allowed), so its cache holds the deleted client for a while.
describe('tokens a stale client cache issues after `tessera client delete`', () => {
  const db = `sqlite:${join(work, 'stale.db')}`;
  let server: ServingCli;
  let secret: string;
  beforeAll(async () => {
    secret = (JSON.parse(await tessera('client', 'create', '--db', db, '--client-id', 'svc-stale', '--grant-type', 'client_credentials', '--scope', 'read')) as { client_secret: string }).client_secret;
    server = await serveCli(['--db', db, '--client-cache-refresh', '5000', '--trust-proxy', '127.0.0.1']);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('are inactive, also to a client registered again under the same client_id', async () => {
    const { origin } = server;
    expect((await clientCredentials(origin, 'svc-stale', secret)).status).toBe(200);
    await tessera('client', 'delete', 'svc-stale', '--db', db);
    const late: string[] = [];
    for (;;) {
      const issued = await clientCredentials(origin, 'svc-stale', secret);
      if (issued.status !== 200) break;
      late.push(String(issued.json.access_token));
    }
    // The cache held the deleted client for a while (it refreshes every 5 s).
    expect(late.length).toBeGreaterThan(0);
    const again = JSON.parse(await tessera('client', 'create', '--db', db, '--client-id', 'svc-stale', '--grant-type', 'client_credentials', '--scope', 'read')) as { client_secret: string };
    // The server learns of the new registration at its next read of the registry version (5 s).
    const started = Date.now();
    while ((await clientCredentials(origin, 'svc-stale', again.client_secret)).status !== 200) {
      expect(Date.now() - started).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const asked = { authorization: basic('svc-stale', again.client_secret), 'x-forwarded-for': nextAddress() };
    for (const token of [late[0], late.at(-1)]) {
      const answer = await postForm(`${origin}/introspect`, new URLSearchParams({ token: token ?? '' }).toString(), asked);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ active: false });
    }
  }, 30_000);
});

describe('tessera client update and rotate-secret refuse what they cannot do', () => {
  const db = `sqlite:${join(work, 'refusals.db')}`;

  it('names the client that does not exist, the public client without a secret, and the bad redirect URI', async () => {
    await tessera('client', 'create', '--db', db, '--client-id', 'spa', '--public', '--redirect-uri', 'https://spa.example/cb');
    const unknown = await tesseraFails('client', 'rotate-secret', 'nobody', '--db', db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no client "nobody"/);
    const publicClient = await tesseraFails('client', 'rotate-secret', 'spa', '--db', db);
    expect(publicClient.code).toBe(2);
    expect(publicClient.stderr).toMatch(/public client/);
    const relative = await tesseraFails('client', 'update', 'spa', '--db', db, '--redirect-uri', 'cb');
    expect(relative.stderr).toMatch(/absolute URI/);
    // Nothing was changed by the refusals.
    const shown = JSON.parse(await tessera('client', 'show', 'spa', '--db', db)) as { redirect_uris: string[]; token_endpoint_auth_method: string };
    expect(shown.redirect_uris).toEqual(['https://spa.example/cb']);
    expect(shown.token_endpoint_auth_method).toBe('none');
  });
});

/**
 * Two `tessera serve` processes on one database: the second starts with a seed file that changes
 * the client's secret and registers the default audience's API with a narrower scope. The first,
 * which holds the client and the (absent) API in memory, must see both within the bound.
 */
function twoServers(name: string, database: () => Promise<{ db: string; args: string[]; drop?: () => Promise<void> }>) {
  describe(`two tessera serve processes on one ${name} database`, () => {
    let first: ServingCli | undefined;
    let second: ServingCli | undefined;
    let args: string[];
    let drop: (() => Promise<void>) | undefined;
    const seedOne = join(work, `${name}-seed-one.json`);
    const seedTwo = join(work, `${name}-seed-two.json`);
    const issuer = 'http://tessera.test';

    beforeAll(async () => {
      const target = await database();
      drop = target.drop;
      args = ['--db', target.db, ...target.args, '--issuer', issuer, '--client-cache-refresh', REFRESH_MS, '--trust-proxy', '127.0.0.1'];
      const client = { client_id: 'app', grant_types: ['client_credentials'], scope: 'read write' };
      writeFileSync(seedOne, JSON.stringify({ clients: [{ ...client, client_secret: 'first-secret' }] }), { mode: 0o600 });
      writeFileSync(seedTwo, JSON.stringify({
        clients: [{ ...client, client_secret: 'second-secret' }],
        resources: [{ resource: issuer, scope: 'read' }],
      }), { mode: 0o600 });
      first = await serveCli([...args, '--seed', seedOne]);
    }, 60_000);
    afterAll(async () => {
      await first?.stop();
      await second?.stop();
      await drop?.();
    });

    it('sees the client and the API the other one changed', async () => {
      const a = first as ServingCli;
      const before = await clientCredentials(a.origin, 'app', 'first-secret');
      expect(before.status).toBe(200);
      expect(before.json.scope).toBe('read write');
      second = await serveCli([...args, '--seed', seedTwo]);
      // The new secret works at the first server within the bound (at once at the second).
      expect((await clientCredentials(second.origin, 'app', 'second-secret')).status).toBe(200);
      await within(async () => (await clientCredentials(a.origin, 'app', 'second-secret')).status, 200, 2);
      for (const origin of [a.origin, second.origin]) {
        const refused = await clientCredentials(origin, 'app', 'first-secret');
        expect(refused.status).toBe(401);
        const narrowed = await clientCredentials(origin, 'app', 'second-secret');
        // The API registered by the second server bounds the scope at the first one too.
        expect(narrowed.json.scope).toBe('read');
      }
    });
  });
}

twoServers('SQLite file', async () => {
  // The server secret is generated beside the database by the first server, and read by the second.
  return { db: `sqlite:${join(work, 'two.db')}`, args: [] };
});

twoServers('PostgreSQL', async () => {
  const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
  if (!baseUrl) throw new Error('TESSERA_TEST_POSTGRES_URL is not set; see test/setup/postgres.ts.');
  const schema = `tessera_cache_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const pool = new pg.Pool({ connectionString: baseUrl, max: 1 });
    try {
      await pool.query(sql);
    } finally {
      await pool.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const secretFile = join(work, 'pg-secret');
  writeFileSync(secretFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return { db: url.toString(), args: ['--secret-file', secretFile], drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
});
