import { describe, expect, it } from 'vitest';
import { rows } from '../../src/store/postgres/dialect.js';
import { postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { PRODUCT_TABLES, storeConformance } from './conformance.js';
import { storeRotationConformance } from './conformance-rotation.js';
import { denyListConformance } from './conformance-denials.js';
import { resourceServerConformance } from './conformance-resources.js';
import { throttleConformance } from './conformance-throttle.js';
import { registryVersionConformance } from './conformance-registry-version.js';
import { openIdConformance } from './conformance-openid.js';
import { registrationConformance } from './conformance-registrations.js';
import { assertionJtiConformance } from './conformance-assertion-jtis.js';
import { usePostgresSchemas } from './postgres-schemas.js';

const { baseUrl, admin, freshSchemaUrl, schemaOf } = usePostgresSchemas();

storeConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
storeRotationConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
registryVersionConformance('PostgreSQL', async () => {
  const url = await freshSchemaUrl();
  return { store: await PostgresStore.connect(url), connectAgain: () => PostgresStore.connect(url) };
});
denyListConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
resourceServerConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
throttleConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
openIdConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
registrationConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));
assertionJtiConformance('PostgreSQL', async () => {
  const url = await freshSchemaUrl();
  return { store: await PostgresStore.connect(url), connectAgain: () => PostgresStore.connect(url) };
});

describe('PostgresStore.connect', () => {
  it('applies each migration once when several processes start at once', async () => {
    const url = await freshSchemaUrl();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresStore.connect(url)));
    await Promise.all(stores.map((s) => s.close()));
    const schema = schemaOf(url);
    const { rows } = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual(postgresMigrations.map((m) => m.version));
  });

  it('keeps the data when it connects again', async () => {
    const url = await freshSchemaUrl();
    const first = await PostgresStore.connect(url);
    await first.throttle.recordFailure('k', 1, 60);
    await first.close();
    const second = await PostgresStore.connect(url);
    expect(await second.throttle.get('k')).toEqual({ failures: 1, pending: 0, windowStart: 1 });
    await second.close();
  });

  it('fails when the search_path names no existing schema', async () => {
    const url = new URL(baseUrl);
    url.searchParams.set('options', '-c search_path=tessera_no_such_schema');
    await expect(PostgresStore.connect(url.toString())).rejects.toThrow();
  });
});

describe('PostgreSQL schema', () => {
  it("has the product's tables only (the demo creates its own), with the columns of the shared row codecs", async () => {
    const url = await freshSchemaUrl();
    const store = await PostgresStore.connect(url);
    await store.close();
    const schema = schemaOf(url);
    const { rows: tables } = await admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
    expect(tables.map((t) => t.table_name)).toEqual(PRODUCT_TABLES);
    for (const codec of Object.values(rows)) {
      const { rows: columns } = await admin.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema, codec.table]);
      expect(columns.map((c) => c.column_name), codec.table)
        .toEqual([...codec.columns, ...(codec.table === 'codes' ? ['replayed_at'] : [])]);
    }
  });
});
