import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// Key rotation with `tessera keys` against the database of a running server: published at once,
// signing after the grace period, retired, all without a restart (issue 11, part 1). The red
// team's case (a key stored in the clear by an earlier version may have been copied) is rotate
// --now, then retire.

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'tessera-keys-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = { ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '', TESSERA_JWKS_MAX_AGE: '' };
// A kid is a base64url thumbprint and may begin with '-': `keys retire` gets it after `--`.
const tessera = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env })).stdout;
// The ES256 keys (the default algorithm's) unless told: a key of every algorithm is published from the start.
const jwksKids = async (origin: string, alg: string | undefined = 'ES256') => ((await (await fetch(`${origin}/jwks`)).json()) as { keys: { kid: string; alg: string }[] }).keys
  .filter((k) => alg === undefined || k.alg === alg).map((k) => k.kid);

const seed = join(work, 'seed.json');
writeFileSync(seed, JSON.stringify({ clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read' }] }), { mode: 0o600 });
async function accessToken(origin: string): Promise<string> {
  const response = await postForm(`${origin}/token`, 'grant_type=client_credentials', { authorization: basic('svc', 'svc-secret') });
  expect(response.status).toBe(200);
  return response.json.access_token as string;
}
const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;
interface Listed { kid: string; alg: string; signing: boolean; pending?: boolean; signs_from: number }

describe('tessera keys', () => {
  it('rotate publishes the key at once and a running server signs with it after the grace; retire takes the old one out', async () => {
    requireBuiltCli();
    const db = `sqlite:${join(work, 'grace.db')}`;
    const server = await serveCli(['--db', db, '--seed', seed]);
    try {
      const [first] = await jwksKids(server.origin);
      expect(kidOf(await accessToken(server.origin))).toBe(first);

      const rotated = JSON.parse(await tessera('keys', 'rotate', '--alg', 'ES256', '--grace', '8', '--db', db)) as { kid: string; signs_from: number; note: string };
      expect(rotated.kid).not.toBe(first);
      expect(rotated.note).toMatch(/Published at once.*signs from/);

      // Published within the reload interval; the old key signs every token until the grace is over, without a restart.
      await expect.poll(() => jwksKids(server.origin), { timeout: 10_000, interval: 250 }).toEqual([rotated.kid, first]);
      const tokens: { kid: unknown; iat: number }[] = [];
      await expect.poll(async () => {
        const token = await accessToken(server.origin);
        tokens.push({ kid: kidOf(token), iat: decodeJwt(token).iat as number });
        return tokens.at(-1)?.kid;
      }, { timeout: 15_000, interval: 250 }).toBe(rotated.kid);
      for (const token of tokens) expect(token.kid).toBe(token.iat < rotated.signs_from ? first : rotated.kid);

      const after = (JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[]).filter((k) => k.alg === 'ES256');
      expect(after.map((k) => [k.kid, k.signing])).toEqual([[rotated.kid, true], [first, false]]);
      await expect(tessera('keys', 'retire', '--db', db, '--', rotated.kid)).rejects.toThrow(/signs now/);
      // RFC review L6: tokens the old key signed until the new one began may be valid for the
      // access-token lifetime (300 s here) plus 60 s: refused without --force, whatever the TTL given.
      await expect(tessera('keys', 'retire', '--db', db, '--', first as string)).rejects.toThrow(/may be valid until .*--force/);
      await expect(tessera('keys', 'retire', '--db', db, '--access-token-ttl', '1', '--', first as string)).rejects.toThrow(/access-token lifetime 1 s/);
      await tessera('keys', 'retire', '--db', db, '--force', '--', first as string);
      await expect.poll(() => jwksKids(server.origin), { timeout: 10_000, interval: 250 }).toEqual([rotated.kid]);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('rotate --now signs at once and says what it means for cached JWKS; the JWKS max-age follows --jwks-max-age', async () => {
    const db = `sqlite:${join(work, 'now.db')}`;
    const server = await serveCli(['--db', db, '--seed', seed, '--jwks-max-age', '120']);
    try {
      const jwks = await fetch(`${server.origin}/jwks`);
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=120');
      const [first] = ((await jwks.json()) as { keys: { kid: string; alg: string }[] }).keys.filter((k) => k.alg === 'ES256').map((k) => k.kid);

      const rotated = JSON.parse(await tessera('keys', 'rotate', '--now', '--alg', 'ES256', '--db', db)) as { kid: string; created_at: number; signs_from: number; note: string };
      expect(rotated.signs_from).toBeLessThanOrEqual(rotated.created_at);
      expect(rotated.note).toMatch(/signing at once/);
      expect(rotated.note).toMatch(/Rotated ES256 only/);
      expect(rotated.note).toMatch(/cached the JWKS/);
      await expect.poll(async () => kidOf(await accessToken(server.origin)), { timeout: 10_000, interval: 250 }).toBe(rotated.kid);
      // The emergency path: the old key can go at once, with --force; the kid needs no '--' even if it begins with '-'.
      await tessera('keys', 'retire', '--force', '--db', db, first as string);
      await expect.poll(() => jwksKids(server.origin), { timeout: 10_000, interval: 250 }).toEqual([rotated.kid]);
    } finally {
      await server.stop();
    }
  });

  it('the default grace is the JWKS max-age plus a margin; the key is pending until then, and the old one cannot be retired', async () => {
    const db = `sqlite:${join(work, 'default.db')}`;
    const server = await serveCli(['--db', db]);
    const [first] = await jwksKids(server.origin);
    await server.stop();
    // signs_from less the grace is the time of the rotation, between the start and the end of the command.
    const graceOf = async (...args: string[]) => {
      const before = Math.floor(Date.now() / 1000);
      const { signs_from: signsFrom } = JSON.parse(await tessera('keys', 'rotate', '--alg', 'ES256', '--db', db, ...args)) as { signs_from: number };
      const after = Math.ceil(Date.now() / 1000);
      return { min: signsFrom - after, max: signsFrom - before };
    };
    const byDefault = await graceOf();
    expect(byDefault.min).toBeLessThanOrEqual(300 + 60);
    expect(byDefault.max).toBeGreaterThanOrEqual(300 + 60);
    const listed = (JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[]).filter((k) => k.alg === 'ES256');
    expect(listed.map((k) => [k.signing, k.pending ?? false])).toEqual([[false, true], [true, false]]);
    expect(listed[1]?.kid).toBe(first);
    await expect(tessera('keys', 'retire', '--db', db, '--', first as string)).rejects.toThrow(/signs now/);
    const shorter = await graceOf('--jwks-max-age', '30');
    expect(shorter.min).toBeLessThanOrEqual(30 + 60);
    expect(shorter.max).toBeGreaterThanOrEqual(30 + 60);
  });

  it('refuses --now with --grace, a grace that is not a number of seconds, and an unknown algorithm', async () => {
    const db = `sqlite:${join(work, 'refusals.db')}`;
    await expect(tessera('keys', 'rotate', '--now', '--grace', '10', '--db', db)).rejects.toThrow(/either --now or --grace/);
    await expect(tessera('keys', 'rotate', '--grace', '5m', '--db', db)).rejects.toThrow(/--grace must be a whole number/);
    await expect(tessera('keys', 'rotate', '--alg', 'HS256', '--db', db)).rejects.toThrow(/--alg must be one of ES256, RS256, EdDSA/);
  });

  // Keys rotate per algorithm (keyring contract): `rotate --alg X` used to switch every token to X;
  // now it rotates X's key only, which signs the tokens of the resources that chose X.
  it.each(['RS256', 'EdDSA'] as const)('rotate --alg %s rotates that algorithm\'s key only: its resource\'s tokens switch, the default ES256 ones do not; audited', async (alg) => {
    const db = `sqlite:${join(work, `${alg}.db`)}`;
    const api = `https://${alg.toLowerCase()}.api.example`;
    const algSeed = join(work, `seed-${alg}.json`);
    writeFileSync(algSeed, JSON.stringify({
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read', resources: ['https://plain.api.example', api] }],
      // The client's first resource, where its tokens go by default, chose no algorithm.
      resources: [{ resource: api, signing_alg: alg }, { resource: 'https://plain.api.example' }],
    }), { mode: 0o600 });
    const audit = join(work, `audit-${alg}.jsonl`);
    const server = await serveCli(['--db', db, '--seed', algSeed, '--audit-log', audit]);
    try {
      const tokenFor = async (resource?: string) => {
        const response = await postForm(`${server.origin}/token`, `grant_type=client_credentials${resource ? `&resource=${encodeURIComponent(resource)}` : ''}`, { authorization: basic('svc', 'svc-secret') });
        expect(response.status).toBe(200);
        return response.json.access_token as string;
      };
      const before = { api: decodeProtectedHeader(await tokenFor(api)), plain: decodeProtectedHeader(await tokenFor()) };
      expect(before.api.alg).toBe(alg);
      expect(before.plain.alg).toBe('ES256');

      const rotated = JSON.parse(await tessera('keys', 'rotate', '--now', '--alg', alg, '--db', db, '--audit-log', audit)) as { kid: string; alg: string };
      expect(rotated.alg).toBe(alg);
      await expect.poll(async () => kidOf(await tokenFor(api)), { timeout: 10_000, interval: 250 }).toBe(rotated.kid);
      const token = await tokenFor(api);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: rotated.kid, typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.origin}/jwks`)), { issuer: server.origin, audience: api, algorithms: [alg] });
      expect(payload.client_id).toBe('svc');
      // The other algorithm is left alone: same ES256 key as before.
      expect(decodeProtectedHeader(await tokenFor()).kid).toBe(before.plain.kid);

      const listed = JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[];
      expect(listed.filter((k) => k.signing && (k.alg === alg || k.alg === 'ES256')).map((k) => k.kid).sort()).toEqual([rotated.kid, before.plain.kid].sort());
      // The replaced key of the same algorithm may go; the ES256 one signs, so it may not.
      await expect(tessera('keys', 'retire', '--db', db, '--', before.plain.kid as string)).rejects.toThrow(/signs now for ES256/);
      await tessera('keys', 'retire', '--db', db, '--force', '--audit-log', audit, '--', before.api.kid as string);
      await expect.poll(() => jwksKids(server.origin, alg), { timeout: 10_000, interval: 250 }).not.toContain(before.api.kid);

      const all = readFileSync(audit, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      // The server's start stored a key of every algorithm: key.created for each (RFC review L3).
      expect(all.filter((event) => event.event === 'key.created').map((event) => [event.alg, event.reason]).sort()).toEqual(
        [['ES256', 'algorithm_without_key'], ['EdDSA', 'algorithm_without_key'], ['RS256', 'algorithm_without_key']],
      );
      const events = all.filter((event) => event.event === 'key.rotated' || event.event === 'key.retired');
      expect(events).toEqual([
        expect.objectContaining({ event: 'key.rotated', kid: rotated.kid, alg, reason: 'rotate_now' }),
        expect.objectContaining({ event: 'key.retired', kid: before.api.kid, alg, reason: 'retire_forced' }),
      ]);
      for (const event of events) expect(typeof event.time).toBe('string');
      expect(readFileSync(audit, 'utf8')).not.toMatch(/"d":|private/);
    } finally {
      await server.stop();
    }
  });

  // RFC review M2: without --alg only the default algorithm rotated, so after a leak `rotate --now`
  // could leave a leaked key of another algorithm signing.
  it('rotate without --alg rotates every algorithm, each with the same --now or --grace, and says so', async () => {
    const db = `sqlite:${join(work, 'all-algs.db')}`;
    const server = await serveCli(['--db', db]);
    await server.stop();
    const before = JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[];
    const now = JSON.parse(await tessera('keys', 'rotate', '--now', '--db', db)) as { keys: { kid: string; alg: string; created_at: number; signs_from: number }[]; note: string };
    expect(now.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(now.note).toMatch(/Rotated every algorithm/);
    for (const key of now.keys) expect(key.signs_from).toBeLessThanOrEqual(key.created_at);
    let listed = JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[];
    // No key listed before signs any more: each algorithm's new key does.
    expect(listed.filter((k) => k.signing).map((k) => k.kid).sort()).toEqual(now.keys.map((k) => k.kid).sort());
    expect(listed.filter((k) => k.signing).some((k) => before.some((b) => b.kid === k.kid))).toBe(false);
    const graced = JSON.parse(await tessera('keys', 'rotate', '--grace', '100', '--db', db)) as { keys: { kid: string; created_at: number; signs_from: number }[] };
    expect(graced.keys).toHaveLength(3);
    for (const key of graced.keys) expect(key.signs_from - key.created_at).toBeGreaterThanOrEqual(99);
    const one = JSON.parse(await tessera('keys', 'rotate', '--alg', 'EdDSA', '--now', '--db', db)) as { kid: string; alg: string; note: string };
    expect(one.alg).toBe('EdDSA');
    expect(one.note).toMatch(/Rotated EdDSA only/);
    listed = JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[];
    expect(listed.filter((k) => k.alg !== 'EdDSA' && k.signing).map((k) => k.kid).sort())
      .toEqual(now.keys.filter((k) => k.alg !== 'EdDSA').map((k) => k.kid).sort());
  });

  // RFC review L10: a kid (base64url thumbprint) may begin with '-'; `retire` takes it without '--'.
  it('retire accepts a kid beginning with "-" or "--" without "--", wherever the options stand', async () => {
    const db = `sqlite:${join(work, 'dash.db')}`;
    const server = await serveCli(['--db', db]);
    await server.stop();
    // Keys whose kid begins with '-', '--' and '-h' (a thumbprint can); old ones, not signing.
    const store = new SqliteStore(join(work, 'dash.db'));
    const listed = JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[];
    const es = listed.find((k) => k.alg === 'ES256');
    const stored = (await store.keys.listActive()).find((k) => k.kid === es?.kid);
    const old = 1_000_000;
    for (const kid of ['-dashed', '--double', '-hyphen-h']) {
      await store.keys.insert({ ...stored!, kid, createdAt: old, signsFrom: old });
    }
    await store.close();
    await tessera('keys', 'retire', '-dashed', '--force', '--db', db);
    await tessera('keys', 'retire', '--db', db, '--force', '--double');
    await tessera('keys', 'retire', '--force', '--db', db, '-hyphen-h');
    const after = (JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[]).map((k) => k.kid);
    for (const kid of ['-dashed', '--double', '-hyphen-h']) expect(after).not.toContain(kid);
    await expect(tessera('keys', 'retire', '--db', db, '-nope')).rejects.toThrow(/no active key "-nope"/);
  });

  // RFC review L4: `-` was stdout, mixing the audit line into the command's JSON.
  it('rotate --audit-log - writes the key.rotated event to stderr; stdout is the rotation\'s own JSON only', async () => {
    const db = `sqlite:${join(work, 'audit-stderr.db')}`;
    const { stdout, stderr } = await run(process.execPath, [CLI, 'keys', 'rotate', '--now', '--alg', 'ES256', '--db', db, '--audit-log', '-'], { env });
    const rotated = JSON.parse(stdout) as Record<string, unknown>;
    expect(rotated).toMatchObject({ alg: 'ES256' });
    const event = JSON.parse(stderr.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(event).toMatchObject({ event: 'key.rotated', kid: rotated.kid, alg: 'ES256', reason: 'rotate_now' });
  });

  // RFC review L4: a failed audit write went to stderr and the command exited 0.
  it('a failed audit write fails the command with one line; an audit log that cannot be opened fails before any change', async () => {
    const db = `sqlite:${join(work, 'audit-fail.db')}`;
    const failed = await run(process.execPath, [CLI, 'keys', 'rotate', '--now', '--alg', 'ES256', '--db', db, '--audit-log', '/dev/full'], { env }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed?.stderr).toMatch(/writing the audit log \/dev\/full failed.*key\.rotated/);
    const before = (JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[]).map((k) => k.kid).sort();
    const unopenable = await run(process.execPath, [CLI, 'keys', 'rotate', '--now', '--db', db, '--audit-log', work], { env }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(unopenable?.code).not.toBe(0);
    expect(unopenable?.stderr).toMatch(/cannot open the audit log .*nothing was changed/);
    expect((JSON.parse(await tessera('keys', 'list', '--db', db)) as Listed[]).map((k) => k.kid).sort()).toEqual(before);
  });
});
