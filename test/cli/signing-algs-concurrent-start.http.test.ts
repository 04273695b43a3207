import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, serveCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';

// Servers ensure a key of every algorithm (SIGNING_ALGS) at start, atomically (RFC review H1: a
// later choice signs with a key published long before). Two `tessera serve` started at once on one new
// database must create one key per algorithm between them, and sign with the same ones.

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'tessera-alg-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const postgres = usePostgresSchemas();

const secretFile = join(work, 'secret');
writeFileSync(secretFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
const seed = join(work, 'seed.json');
const RS = 'https://rs.api.example';
const ED = 'https://ed.api.example';
writeFileSync(seed, JSON.stringify({
  clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read', resources: [RS, ED] }],
  resources: [{ resource: RS, signing_alg: 'RS256' }, { resource: ED, signing_alg: 'EdDSA' }],
}), { mode: 0o600 });
const env = { ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '' };

async function kidFor(origin: string, resource: string): Promise<{ alg?: string; kid?: string }> {
  const response = await postForm(`${origin}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(resource)}`, { authorization: basic('svc', 'svc-secret') });
  expect(response.status).toBe(200);
  const { alg, kid } = decodeProtectedHeader(response.json.access_token as string);
  return { alg, kid };
}

describe('two servers starting at once on a new database', () => {
  it.each([
    ['SQLite file', async () => `sqlite:${join(work, 'both.db')}`],
    ['PostgreSQL', () => postgres.freshSchemaUrl()],
  ])('%s: one key per algorithm, shared by both', async (_name, database) => {
    const db = await database();
    const args = ['--db', db, '--seed', seed, '--secret-file', secretFile];
    const [a, b] = await Promise.all([serveCli(args, { timeoutMs: 60_000 }), serveCli(args, { timeoutMs: 60_000 })]);
    try {
      const listed = JSON.parse((await run(process.execPath, [CLI, 'keys', 'list', '--db', db, '--secret-file', secretFile], { env })).stdout) as { kid: string; alg: string }[];
      expect(listed.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      const kidOf = (alg: string) => listed.find((key) => key.alg === alg)?.kid;
      for (const origin of [a.origin, b.origin]) {
        expect(await kidFor(origin, RS)).toEqual({ alg: 'RS256', kid: kidOf('RS256') });
        expect(await kidFor(origin, ED)).toEqual({ alg: 'EdDSA', kid: kidOf('EdDSA') });
        const jwks = (await (await fetch(`${origin}/jwks`)).json()) as { keys: { kid: string }[] };
        expect(jwks.keys.map((key) => key.kid).sort()).toEqual(listed.map((key) => key.kid).sort());
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});
