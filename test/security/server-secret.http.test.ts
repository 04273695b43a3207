import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli } from '../helpers/cli.js';

// Security review finding 1 (high): the database directory was 0755 and its files 0644, and the
// signing key was a plain JWK in the database: any local user could forge tokens. Now the
// directory is 0700 and the files 0600, a server secret seals the signing keys, and the server
// refuses to start on a database others can read or with a secret that does not open its keys.

const run = promisify(execFile);
let work: string;

beforeAll(() => {
  requireBuiltCli();
  work = mkdtempSync(join(tmpdir(), 'tessera-secret-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const env = (extra: Record<string, string> = {}) => ({ ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '', ...extra });

async function tesseraFails(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args], { env: env(extraEnv) });
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  throw new Error('tessera was expected to fail');
}

describe('the embedded database', () => {
  it('is created in a 0700 directory with 0600 files, beside a generated 0600 secret file', async () => {
    const dir = join(work, 'fresh', 'data');
    const db = join(dir, 'tessera.db');
    const server = await serveCli(['--db', `sqlite:${db}`]);
    try {
      const jwks = await (await fetch(`${server.origin}/jwks`)).json() as { keys: Record<string, unknown>[] };
      // One key of every algorithm (ES256, RS256, EdDSA) from the first start on.
      expect(jwks.keys).toHaveLength(3);
    } finally {
      await server.stop();
    }
    expect(mode(dir)).toBe(0o700);
    for (const file of [db, `${db}-wal`, `${db}-shm`, join(dir, 'tessera.secret')]) {
      try {
        expect(mode(file), file).toBe(0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    expect(mode(db)).toBe(0o600);
    expect(mode(join(dir, 'tessera.secret'))).toBe(0o600);
    expect(readFileSync(join(dir, 'tessera.secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(43);
  });

  it('keeps the private signing key sealed: nothing in the database is a usable private key', async () => {
    const db = join(work, 'fresh', 'data', 'tessera.db');
    const sqlite = new Database(db, { readonly: true });
    const rows = sqlite.prepare('SELECT private_jwk FROM signing_keys').all() as { private_jwk: string }[];
    sqlite.close();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const stored = JSON.parse(row.private_jwk) as Record<string, unknown>;
      expect(stored.d).toBeUndefined();
      expect(stored.sealed).toBe('A256GCM');
    }
  });

  it('refuses to start, in one line that says what to run, when the database file is readable by others', async () => {
    const dir = join(work, 'loose');
    const db = join(dir, 'tessera.db');
    const server = await serveCli(['--db', `sqlite:${db}`]);
    await server.stop();
    chmodSync(db, 0o644);
    const result = await tesseraFails(['serve', '--db', `sqlite:${db}`, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('chmod 600');
  });

  it('refuses a secret file that others can read', async () => {
    const file = join(work, 'loose.secret');
    writeFileSync(file, `${'s'.repeat(48)}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const result = await tesseraFails(['serve', '--db', `sqlite:${join(work, 'loose-secret.db')}`, '--secret-file', file, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('chmod 600');
  });

  it('refuses to start with a secret that does not open the stored keys', async () => {
    const db = join(work, 'fresh', 'data', 'tessera.db');
    const result = await tesseraFails(['serve', '--db', `sqlite:${db}`, '--port', '0'], { TESSERA_SECRET: 'x'.repeat(40) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/server secret does not decrypt/);
  });
});

describe('a seed file', () => {
  it('holding client secrets or passwords is refused when others can read it, with the chmod to run', async () => {
    const seed = join(work, 'readable-seed.json');
    writeFileSync(seed, JSON.stringify({ clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'] }] }), { mode: 0o644 });
    chmodSync(seed, 0o644);
    const result = await tesseraFails(['serve', '--db', `sqlite:${join(work, 'seeded.db')}`, '--seed', seed, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`chmod 600 ${seed}`);
    expect(result.stderr).not.toContain('svc-secret');
  });

  it('holding no secret may be readable', async () => {
    const seed = join(work, 'public-seed.json');
    writeFileSync(seed, JSON.stringify({ resources: [{ resource: 'https://api.example', scope: 'read' }] }), { mode: 0o644 });
    chmodSync(seed, 0o644);
    const server = await serveCli(['--db', `sqlite:${join(work, 'public-seeded.db')}`, '--seed', seed]);
    await server.stop();
  });
});

describe('PostgreSQL', () => {
  it('requires a server secret', async () => {
    const result = await tesseraFails(['serve', '--db', 'postgres://tessera@127.0.0.1:1/tessera', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/secret-file/);
  });
});
