import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLI, requireBuiltCli } from '../helpers/cli.js';
import { ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

/** `tessera serve` that is expected to refuse: its exit code, stderr and how long it took. */
function serveRefusing(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  requireBuiltCli();
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_PORT: '', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, stderr, ms: Date.now() - started });
  }));
}

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-db-start-'));
  const path = join(dir, 't.db');
  const store = new SqliteStore(path);
  for (let i = 0; i < 200; i++) store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(10_000 + i, 'x'.repeat(500));
  store.db.close();
  return path;
}

function chattrWorks(path: string): boolean {
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tessera serve refuses a database it cannot use, in one line', () => {
  const immutable: string[] = [];
  afterAll(() => { for (const path of immutable) execFileSync('chattr', ['-i', path]); });

  it('a page-corrupted SQLite file', async () => {
    const path = sqliteFile();
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(20 * 4096);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 4, 0x5a), 0, 4096 * 4, 4096 * 10);
    closeSync(fd);
    const result = await serveRefusing(['--db', `sqlite:${path}`]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^tessera: the database file .* is corrupt .*\n$/);
  });

  it('a SQLite file that cannot be written (immutable: even root cannot write it)', async (context) => {
    const path = sqliteFile();
    // Tests run as root, who may write a chmod 400 file; an immutable one (chattr +i) stops root too.
    if (!chattrWorks(path)) {
      context.skip('chattr +i is not supported here (not root, or a filesystem without it), so no file is unwritable to this test');
      return;
    }
    immutable.push(path);
    const result = await serveRefusing(['--db', `sqlite:${path}`]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^tessera: the database file .* is not writable .*\n$/);
  });

  it.skipIf(!ThrowawayPostgres.available())('a PostgreSQL that does not answer (frozen): within --db-timeout', async () => {
    const cluster = ThrowawayPostgres.create();
    try {
      cluster.start();
      cluster.freeze();
      const result = await serveRefusing(['--db', cluster.url, '--db-timeout', '2'], { TESSERA_SECRET: 'a'.repeat(44) });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^tessera: the database did not answer .*\n$/);
      expect(result.ms).toBeLessThan(8_000);
    } finally {
      cluster.remove();
    }
  }, 60_000);
});
