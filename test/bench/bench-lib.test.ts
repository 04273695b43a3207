import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backgroundRefreshTokens, loadSqlite, tokenHasher } from '../../bench/lib/bulk-load.mjs';
import { stageBreakdown } from '../../bench/lib/stages.mjs';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.js';

// The parts of the benchmark whose mistakes would not show as an error: a loader that hashed
// differently from the server would only make the code and refresh loads fail, and a stage rule
// that matched the wrong frame would silently move time from one stage to another.

const work = mkdtempSync(join(tmpdir(), 'tessera-bench-lib-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function indexSql(db: Database.Database): string[] {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { sql: string }[])
    .map((row) => row.sql);
}

describe('the bulk loader', () => {
  it('hashes codes and refresh tokens exactly as the server does for its secret', () => {
    const secret = 'a-server-secret-of-at-least-32-characters';
    const server = new SecretHashing(ServerSecrets.from([secret]));
    const hash = tokenHasher(secret);
    for (const value of ['tsr_rt_abc', 'tsr_ac_0123456789', 'é ü']) expect(hash(value)).toBe(server.tokens.hash(value));
    expect(tokenHasher(`${secret}-other`)('tsr_rt_abc')).not.toBe(server.tokens.hash('tsr_rt_abc'));
  });

  it('writes rows into the real schema by column name and leaves its indexes as they were', () => {
    const path = join(work, 'schema.db');
    const db = new Database(path);
    for (const migration of sqliteMigrations) db.exec(migration.sql);
    const before = indexSql(db);
    expect(before.some((sql) => sql.includes('tokens_family'))).toBe(true);
    db.close();

    const loaded = loadSqlite(path, { tokens: backgroundRefreshTokens(1234, 'https://api.example') });
    expect(loaded.rows).toEqual({ tokens: 1234 });

    const after = new Database(path, { readonly: true });
    expect(indexSql(after)).toEqual(before);
    expect(after.pragma('journal_mode', { simple: true })).toBe('wal');
    const row = after.prepare('SELECT * FROM tokens LIMIT 1').get() as Record<string, unknown>;
    expect(row.kind).toBe('refresh_token');
    expect(row.scope).toBe('read write');
    expect(String(row.hash)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after.prepare('SELECT count(*) AS n FROM tokens WHERE expires_at > unixepoch()').get()).toEqual({ n: 1234 });
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();
  });

  it('names a NOT NULL column it does not know instead of writing a broken row', () => {
    const path = join(work, 'extra-column.db');
    const db = new Database(path);
    for (const migration of sqliteMigrations) db.exec(migration.sql);
    db.exec("ALTER TABLE tokens ADD COLUMN tenant TEXT NOT NULL DEFAULT 'x'");
    db.exec('CREATE TABLE future (hash TEXT PRIMARY KEY, needed TEXT NOT NULL)');
    db.close();
    // A column with a default is left to it; one without is an error that says which.
    expect(loadSqlite(path, { tokens: backgroundRefreshTokens(3, 'a') }).rows).toEqual({ tokens: 3 });
    expect(() => loadSqlite(path, { future: [{ hash: 'h' }] })).toThrow(/future\.needed/);
  });
});

describe('the stage breakdown', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id, callFrame: { functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 }, children,
  });
  // root → Fastify's route handler → the client authentication → the client store;
  //                               → the ES256 signature; (idle) apart.
  const profile = {
    nodes: [
      frame(1, '(root)', '', [2, 3, 4]),
      frame(2, '(idle)', ''),
      frame(3, '(garbage collector)', ''),
      frame(4, 'routeHandler', 'file:///app/node_modules/fastify/lib/route.js', [5, 7]),
      frame(5, 'authenticateClient', 'file:///app/dist/core/client-auth.js', [6]),
      frame(6, 'get', 'file:///app/dist/store/sqlite/clients.js'),
      frame(7, 'signEs256Jwt', 'file:///app/dist/keys/jws-es256.js'),
    ],
    startTime: 1_000,
    // Sample times: 1,010 (handler), 1,020 (client store), 1,030 (client auth), 1,040 (sign),
    // 1,050 (idle), 1,060 (GC), 5,000 (sign, outside the window).
    samples: [4, 6, 5, 7, 2, 3, 7],
    timeDeltas: [10, 10, 10, 10, 10, 10, 3_940],
  };
  const file = join(work, 'synthetic.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));

  it('charges each sample to the innermost frame a rule knows, leaves idle out, and scales to the measured CPU', () => {
    const rows = stageBreakdown([file], 500, [1_000, 2_000]);
    const byStage = Object.fromEntries(rows.map((row) => [row.stage, row]));
    expect(Object.keys(byStage).sort()).toEqual(['GC', 'HTTP', 'client authentication', 'sign']);
    expect(byStage['client authentication']?.share).toBeCloseTo(0.4);
    expect(byStage.sign?.share).toBeCloseTo(0.2);
    expect(byStage.HTTP?.share).toBeCloseTo(0.2);
    expect(byStage.GC?.share).toBeCloseTo(0.2);
    expect(byStage['client authentication']?.usPerRequest).toBe(200);
    expect(rows.reduce((sum, row) => sum + (row.usPerRequest ?? 0), 0)).toBe(500);
  });

  it('counts every sample when no window is given', () => {
    const rows = stageBreakdown([file], null);
    expect(rows.find((row) => row.stage === 'sign')?.share).toBeCloseTo(3_950 / 3_990);
    expect(rows.every((row) => row.usPerRequest === null)).toBe(true);
  });
});
