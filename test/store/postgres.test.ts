import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { storeConformance } from './conformance.js';

const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
if (!baseUrl) {
  throw new Error(
    'TESSERA_TEST_POSTGRES_URL is not set, so the PostgreSQL store cannot be tested. Run '
    + '`scripts/postgres-test-server.sh start` and export the URL it prints as TESSERA_TEST_POSTGRES_URL, '
    + 'or add test/setup/postgres.ts to globalSetup in vitest.config.ts.');
}

// Every store gets its own schema, so test files and repeated runs share the database safely.
const admin = new pg.Pool({ connectionString: baseUrl, max: 2 });
const schemas: string[] = [];

async function freshSchemaUrl(): Promise<string> {
  const schema = `tessera_test_${randomBytes(8).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
});

storeConformance('PostgreSQL', async () => PostgresStore.connect(await freshSchemaUrl()));

describe('PostgresStore.connect', () => {
  it('applies each migration once when several processes start at once', async () => {
    const url = await freshSchemaUrl();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresStore.connect(url)));
    await Promise.all(stores.map((s) => s.close()));
    const schema = new URL(url).searchParams.get('options')?.split('=')[1];
    const { rows } = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual(postgresMigrations.map((m) => m.version));
  });

  it('keeps the data when it connects again', async () => {
    const url = await freshSchemaUrl();
    const first = await PostgresStore.connect(url);
    await first.throttle.recordFailure('k', 1, 60);
    await first.close();
    const second = await PostgresStore.connect(url);
    expect(await second.throttle.get('k')).toEqual({ failures: 1, windowStart: 1 });
    await second.close();
  });

  it('fails when the search_path names no existing schema', async () => {
    const url = new URL(baseUrl);
    url.searchParams.set('options', '-c search_path=tessera_no_such_schema');
    await expect(PostgresStore.connect(url.toString())).rejects.toThrow();
  });
});
