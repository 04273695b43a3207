import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { TokenRecord } from '../../../src/store/types.js';

// The product changes made for the token endpoint's throughput (docs/BENCHMARKS.md) keep their
// guarantees: a token is stored, atomically and alone in its failure, before its request is
// answered; WAL checkpoints still happen.

describe('GroupCommit', () => {
  it('writes the items of one event-loop turn in one call, in order, and resolves every caller', async () => {
    const calls: number[][] = [];
    const group = new GroupCommit<number>((items) => { calls.push([...items]); });
    await Promise.all([group.write([1]), group.write([2, 3]), group.write([]), group.write([4])]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
    await group.write([5]);
    expect(calls).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('when the shared write fails, retries each caller alone so only the bad one fails', async () => {
    const written: number[] = [];
    const group = new GroupCommit<number>((items) => {
      if (items.includes(13)) throw new Error('bad item');
      written.push(...items);
    });
    const results = await Promise.allSettled([group.write([1]), group.write([12, 13]), group.write([2])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual([1, 2]);
  });
});

describe('SqliteStore token saves under concurrency (group commit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const token = (overrides: Partial<TokenRecord> = {}): TokenRecord => ({
    hash: `hash-${++n}`, kind: 'access_token', jti: `jti-${n}`, clientId: 'svc', subject: 'svc', userId: null, scope: ['read'],
    audience: 'https://api.example', issuedAt: 1000, expiresAt: 5000, familyId: `family-${n}`, revokedAt: null, rotatedAt: null,
    ...overrides,
  });

  it('stores every token of concurrent saves before their promises resolve', async () => {
    const store = new SqliteStore(join(dir, 'a.db'));
    const records = Array.from({ length: 50 }, () => token());
    await Promise.all(records.map((r) => store.tokens.save(r)));
    for (const r of records) expect(await store.tokens.find(r.hash)).toEqual(r);
    expect(await store.tokens.count()).toBe(50);
    await store.close();
  });

  it('a duplicate among concurrent saves fails alone; a failing saveAll stays all-or-nothing', async () => {
    const store = new SqliteStore(join(dir, 'b.db'));
    const existing = token();
    await store.tokens.save(existing);
    const [before, fresh, after] = [token(), token(), token()];
    const results = await Promise.allSettled([
      store.tokens.save(before),
      store.tokens.save(token({ hash: existing.hash })),
      store.tokens.saveAll([fresh, token({ hash: existing.hash })]),
      store.tokens.save(after),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(await store.tokens.find(before.hash)).toEqual(before);
    expect(await store.tokens.find(after.hash)).toEqual(after);
    expect(await store.tokens.find(fresh.hash)).toBeUndefined();
    expect(await store.tokens.find(existing.hash)).toEqual(existing);
    expect(await store.tokens.count()).toBe(3);
    await store.close();
  });

  it('checkpoints the WAL into the database file from its own thread, and close ends it', async () => {
    const path = join(dir, 'c.db');
    const store = new SqliteStore(path);
    const emptySize = statSync(path).size;
    // ~2,000 WAL pages: past SQLite's default 1,000-page checkpoint, below the 10,000-page safety net.
    for (let i = 0; i < 10; i++) await store.tokens.saveAll(Array.from({ length: 500 }, () => token()));
    const deadline = Date.now() + 5000;
    while (statSync(path).size < emptySize + 500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(path).size).toBeGreaterThan(emptySize + 500_000);
    expect(await store.tokens.count()).toBe(5000);
    await store.close();
    // Reopened (a new checkpoint thread), everything is there.
    const again = new SqliteStore(path);
    expect(await again.tokens.count()).toBe(5000);
    await again.close();
  });
});
