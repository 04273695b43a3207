import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/store/sqlite/dialect.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PRODUCT_TABLES, storeConformance } from './conformance.js';
import { storeRotationConformance } from './conformance-rotation.js';
import { denyListConformance } from './conformance-denials.js';
import { resourceServerConformance } from './conformance-resources.js';
import { throttleConformance } from './conformance-throttle.js';
import { registryVersionConformance } from './conformance-registry-version.js';
import { openIdConformance } from './conformance-openid.js';
import { registrationConformance } from './conformance-registrations.js';
import { assertionJtiConformance } from './conformance-assertion-jtis.js';

storeConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
storeRotationConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
denyListConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
resourceServerConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
throttleConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
openIdConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));
registrationConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));

// A file adds what memory skips: WAL, and a database that other processes could open.
const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
let files = 0;
storeConformance('SQLite file', async () => new SqliteStore(join(dir, `store-${++files}.db`)));
throttleConformance('SQLite file', async () => new SqliteStore(join(dir, `store-${++files}.db`)));
storeRotationConformance('SQLite file', async () => new SqliteStore(join(dir, `store-${++files}.db`)));
registryVersionConformance('SQLite file', async () => {
  const path = join(dir, `store-${++files}.db`);
  return { store: new SqliteStore(path), connectAgain: async () => new SqliteStore(path) };
});
denyListConformance('SQLite file', async () => new SqliteStore(join(dir, `store-${++files}.db`)));
assertionJtiConformance('SQLite file', async () => {
  const file = join(dir, `store-${++files}.db`);
  return { store: new SqliteStore(file), connectAgain: async () => new SqliteStore(file) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite purge of expired tokens', () => {
  it('deletes every expired token, in batches, and keeps the live ones', async () => {
    const store = new SqliteStore(':memory:');
    const base = { kind: 'access_token' as const, jti: 'j', clientId: 'c', subject: 's', userId: null, scope: [], audience: 'a',
      issuedAt: 1, familyId: 'f', revokedAt: null, rotatedAt: null };
    await store.tokens.saveAll(Array.from({ length: 4500 }, (_, i) => ({ ...base, hash: `expired-${i}`, expiresAt: 10 })));
    await store.tokens.save({ ...base, hash: 'live', expiresAt: 1000 });
    expect(await store.tokens.purgeExpired(100)).toBe(4500);
    expect(await store.tokens.count()).toBe(1);
    await store.close();
  });
});

describe('SQLite schema', () => {
  it("has the product's tables only (the demo creates its own), with the columns of the shared row codecs", async () => {
    const store = new SqliteStore(':memory:');
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
      .map((t) => t.name);
    expect(tables).toEqual(PRODUCT_TABLES);
    for (const codec of Object.values(rows)) {
      const columns = (store.db.prepare(`PRAGMA table_info(${codec.table})`).all() as { name: string }[]).map((c) => c.name);
      expect(columns, codec.table).toEqual([...codec.columns, ...(codec.table === 'codes' ? ['replayed_at'] : [])]);
    }
    await store.close();
  });
});
