import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// Security review finding 9, "unbounded growth": checkpoints reuse the -wal file but never shrink
// it, so after a burst of writes it kept its largest size for good.

const dir = mkdtempSync(join(tmpdir(), 'tessera-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (path: string) => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

describe('SQLite WAL', () => {
  it('is truncated by the background checkpoints after a burst of writes', async () => {
    const path = join(dir, 'burst.db');
    const store = new SqliteStore(path);
    try {
      const insert = store.db.prepare('INSERT INTO throttle (key, failures, window_start) VALUES (?, 1, 0)');
      const burst = store.db.transaction((from: number) => {
        for (let i = from; i < from + 20_000; i++) insert.run(`ip:burst-${i}-${'x'.repeat(100)}`);
      });
      for (let round = 0; round < 5; round++) burst(round * 20_000);
      expect(walBytes(path)).toBeGreaterThan(8 * 1024 * 1024);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && walBytes(path) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(walBytes(path)).toBe(0);
      expect((store.db.prepare('SELECT count(*) AS n FROM throttle').get() as { n: number }).n).toBe(100_000);
    } finally {
      await store.close();
    }
  });
});
