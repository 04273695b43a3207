import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDemoResourceStore } from '../../src/demo/resource-server/postgres-resource-store.js';
import type { DemoResource, DemoResourceStore } from '../../src/demo/resource-server/resource-store.js';
import { SqliteDemoResourceStore } from '../../src/demo/resource-server/sqlite-resource-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { PRODUCT_TABLES } from './conformance.js';
import { usePostgresSchemas } from './postgres-schemas.js';

/**
 * `tessera demo` keeps its resources in one small table of its own (demo_resources), created by
 * the demo beside the authorization server's tables in the same database: the product's
 * migrations never create nor know it.
 */
const NOW = 4_102_444_800;
const resource = (overrides: Partial<DemoResource>): DemoResource => ({
  id: `r-${Math.random().toString(36).slice(2)}`, ownerKind: 'user', ownerId: 'alice', title: 'A', createdBy: 'seed', createdAt: NOW,
  ...overrides,
});

interface Backend {
  /** Opens the product store and the demo's store on one (new, for each call of `fresh`) database. */
  fresh(): Promise<{ reopen(): Promise<{ store: Store; resources: DemoResourceStore }>; tables(): Promise<string[]> }>;
}

function demoResourceStoreSuite(name: string, backend: Backend): void {
  describe(`${name}: the demo's resource table`, () => {
    it('lives beside the product tables, created by the demo, and survives both reopening', async () => {
      const db = await backend.fresh();
      let { store, resources } = await db.reopen();
      expect(await db.tables()).toEqual([...PRODUCT_TABLES, 'demo_resources'].sort());
      await resources.add(resource({ id: 'kept', title: 'Kept' }));
      await resources.close();
      await store.close();
      ({ store, resources } = await db.reopen());
      expect((await resources.list('user', 'alice')).map((r) => r.id)).toEqual(['kept']);
      expect(await db.tables()).toEqual([...PRODUCT_TABLES, 'demo_resources'].sort());
      await resources.close();
      await store.close();
    });

    it('lists and counts per owner, oldest first', async () => {
      const { store, resources } = await (await backend.fresh()).reopen();
      const later = resource({ id: 'later', createdAt: NOW + 1 });
      const earlier = resource({ id: 'earlier', createdAt: NOW - 1, title: 'Earlier', createdBy: 'app' });
      const clients = resource({ id: 'job', ownerKind: 'client', ownerId: 'alice', title: 'Nightly job' });
      for (const r of [later, earlier, clients, resource({ ownerId: 'bob' })]) await resources.add(r);
      expect(await resources.list('user', 'alice')).toEqual([earlier, later]);
      expect(await resources.count('user', 'alice')).toBe(2);
      expect(await resources.list('client', 'alice')).toEqual([clients]);
      expect(await resources.count('user', 'nobody')).toBe(0);
      expect(await resources.list('user', 'nobody')).toEqual([]);
      await resources.close();
      await store.close();
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-resources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

demoResourceStoreSuite('SQLite file', {
  async fresh() {
    const path = join(dir, `demo-${++files}.db`);
    return {
      async reopen() {
        return { store: new SqliteStore(path), resources: new SqliteDemoResourceStore(path) };
      },
      async tables() {
        const store = new SqliteStore(path);
        const names = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
          .map((t) => t.name).sort();
        await store.close();
        return names;
      },
    };
  },
});

const postgres = usePostgresSchemas();
demoResourceStoreSuite('PostgreSQL', {
  async fresh() {
    const url = await postgres.freshSchemaUrl();
    return {
      async reopen() {
        return { store: await PostgresStore.connect(url), resources: await PostgresDemoResourceStore.connect(url) };
      },
      async tables() {
        const { rows } = await postgres.admin.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [postgres.schemaOf(url)]);
        return rows.map((t) => t.table_name).sort();
      },
    };
  },
});
