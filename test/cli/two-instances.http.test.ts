import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { hiddenField, UserAgent } from '../helpers/user-agent.js';

// Issue 11, part 6: two `tessera serve` processes on one PostgreSQL database are one deployment
// (same issuer, same server secret): each step of a flow may land on either of them.

const run = promisify(execFile);
const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
const schema = `tessera_two_${randomBytes(6).toString('hex')}`;
const work = mkdtempSync(join(tmpdir(), 'tessera-two-instances-'));
const secretFile = join(work, 'secret');
const seed = join(work, 'seed.json');
const ISSUER = 'http://tessera.test';
const CB = 'http://client.test/cb';
const env = { ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '', TESSERA_JWKS_MAX_AGE: '' };

let admin: pg.Pool;
let db: string;
let a: ServingCli;
let b: ServingCli;

const auth = () => ({ authorization: basic('app', 'app-secret') });
const token = (origin: string, body: string) => postForm(`${origin}/token`, body, auth());
const introspect = async (origin: string, value: string) => (await postForm(`${origin}/introspect`, `token=${encodeURIComponent(value)}`, auth())).json;
const kidsAt = async (origin: string) => ((await (await fetch(`${origin}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
/** A redirect within the deployment, made a path on the agent's own origin (the issuer's host does not resolve). */
const local = (location: string) => (location.startsWith(ISSUER) ? location.slice(ISSUER.length) : location);

describe('two tessera serve instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    if (!baseUrl) throw new Error('TESSERA_TEST_POSTGRES_URL is not set; see test/setup/postgres.ts.');
    admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    db = url.toString();
    writeFileSync(secretFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    writeFileSync(seed, JSON.stringify({
      clients: [{
        client_id: 'app', client_name: 'App', client_secret: 'app-secret', scope: 'read write',
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], redirect_uris: [CB],
      }],
      users: [{ username: 'pat', password: 'pat-password' }],
    }), { mode: 0o600 });
    const args = ['--db', db, '--seed', seed, '--secret-file', secretFile, '--issuer', ISSUER, '--refresh-retry-window', '0'];
    // One after the other: both apply the seed and create the schema at start.
    a = await serveCli(args);
    b = await serveCli(args);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
    rmSync(work, { recursive: true, force: true });
  });

  it('a client-credentials token from A is introspected and revoked at B, and is then inactive at A', async () => {
    const issued = await token(a.origin, 'grant_type=client_credentials&scope=read');
    expect(issued.status).toBe(200);
    const access = issued.json.access_token as string;
    expect(await introspect(b.origin, access)).toMatchObject({ active: true, client_id: 'app', scope: 'read', iss: ISSUER });
    expect((await postForm(`${b.origin}/revoke`, `token=${access}`, auth())).status).toBe(200);
    expect(await introspect(a.origin, access)).toEqual({ active: false });
    expect(await introspect(b.origin, access)).toEqual({ active: false });
  });

  it('a code obtained at A is redeemed at B, refreshed at A then B; a replay at A revokes the family at B', async () => {
    const agent = new UserAgent(a.origin);
    const state = randomBytes(8).toString('hex');
    let page = await agent.request(`/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB, scope: 'read', state })}`);
    expect(page.body).toContain('action="/login"');
    const signIn = await agent.request('/login', {
      form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), username: 'pat', password: 'pat-password' },
    });
    expect(signIn.status).toBe(303);
    page = await agent.request(local(signIn.location as string));
    expect(page.body).toContain('action="/consent"');
    page = await agent.request('/consent', {
      form: { csrf_token: hiddenField(page.body, 'csrf_token'), request: hiddenField(page.body, 'request'), decision: 'allow' },
    });
    expect(page.status).toBe(303);
    const redirect = new URL(page.location as string);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(CB);
    expect(redirect.searchParams.get('state')).toBe(state);
    const code = redirect.searchParams.get('code') as string;

    const first = await token(b.origin, `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(CB)}`);
    expect(first.status).toBe(200);

    const refresh = (origin: string, value: unknown) => token(origin, `grant_type=refresh_token&refresh_token=${encodeURIComponent(value as string)}`);
    const second = await refresh(a.origin, first.json.refresh_token);
    expect(second.status).toBe(200);
    const third = await refresh(b.origin, second.json.refresh_token);
    expect(third.status).toBe(200);
    expect(await introspect(a.origin, third.json.access_token as string)).toMatchObject({ active: true, client_id: 'app', sub: expect.any(String) });

    // --refresh-retry-window 0: the retired token presented again is a replay at once.
    const replay = await refresh(a.origin, second.json.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect(await introspect(b.origin, third.json.access_token as string)).toEqual({ active: false });
    expect(await introspect(b.origin, third.json.refresh_token as string)).toEqual({ active: false });
    expect((await refresh(b.origin, third.json.refresh_token)).json.error).toBe('invalid_grant');
    // The code is spent for the whole deployment (presented again, it would revoke what it gave).
    expect((await token(a.origin, `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(CB)}`)).json.error).toBe('invalid_grant');
  });

  it('a key rotated with --now through the database is published and used by both instances', async () => {
    const before = await kidsAt(a.origin);
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'rotate', '--now', '--alg', 'ES256', '--db', db, '--secret-file', secretFile], { env });
    const rotated = JSON.parse(stdout) as { kid: string };
    expect(before).not.toContain(rotated.kid);
    const kidOf = async (origin: string) => {
      const issued = await token(origin, 'grant_type=client_credentials&scope=read');
      return issued.status === 200 ? decodeProtectedHeader(issued.json.access_token as string).kid : `status ${issued.status}`;
    };
    // The servers reread the keys every 5 s.
    for (const server of [a, b]) {
      await expect.poll(() => kidsAt(server.origin), { timeout: 15_000, interval: 250 }).toContain(rotated.kid);
      await expect.poll(() => kidOf(server.origin), { timeout: 15_000, interval: 250 }).toBe(rotated.kid);
    }
    // A token signed by one verifies against the other's JWKS and is active at the other.
    for (const [from, at] of [[a, b], [b, a]] as const) {
      const issued = (await token(from.origin, 'grant_type=client_credentials&scope=read')).json.access_token as string;
      const jwks = createLocalJWKSet(await (await fetch(`${at.origin}/jwks`)).json());
      const { protectedHeader, payload } = await jwtVerify(issued, jwks, { issuer: ISSUER });
      expect(protectedHeader.kid).toBe(rotated.kid);
      expect(payload.client_id).toBe('app');
      expect(await introspect(at.origin, issued)).toMatchObject({ active: true });
    }
  }, 60_000);

  it('SIGKILL of A under a stream of requests to A and B loses no token either acknowledged', async () => {
    const acknowledged: string[] = [];
    const fromA = { before: 0, after: 0, refused: 0 };
    let running = true;
    let killed = false;
    const loop = async () => {
      for (let i = 0; running; i++) {
        const toA = i % 2 === 0;
        const wasKilled = killed;
        try {
          const issued = await token(toA ? a.origin : b.origin, 'grant_type=client_credentials&scope=read');
          if (issued.status === 200) {
            acknowledged.push(issued.json.access_token as string);
            if (toA) fromA[wasKilled ? 'after' : 'before'] += 1;
          }
        } catch {
          // A's connections are cut: no answer is no acknowledgement.
          if (toA) fromA.refused += 1;
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    try {
      await expect.poll(() => acknowledged.length, { timeout: 15_000 }).toBeGreaterThan(40);
      killed = true;
      a.child.kill('SIGKILL');
      const atKill = acknowledged.length;
      await expect.poll(() => acknowledged.length, { timeout: 15_000 }).toBeGreaterThan(atKill + 40);
    } finally {
      running = false;
      await Promise.all(loops);
    }
    expect(a.child.signalCode).toBe('SIGKILL');
    expect(fromA.before).toBeGreaterThan(0);
    expect(fromA.refused).toBeGreaterThan(0);
    const inactive: string[] = [];
    for (let i = 0; i < acknowledged.length; i += 20) {
      const answers = await Promise.all(acknowledged.slice(i, i + 20).map((value) => introspect(b.origin, value)));
      inactive.push(...acknowledged.slice(i, i + 20).filter((_, j) => answers[j]?.active !== true));
    }
    expect(inactive).toEqual([]);
  }, 60_000);
});
