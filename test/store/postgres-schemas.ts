import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

export interface PostgresSchemas {
  /** The test server's database URL, with the server's default search_path. */
  baseUrl: string;
  /** The server's database, for queries of the test itself (pool of 2). */
  admin: pg.Pool;
  /** A URL whose search_path is a new, empty schema, dropped after the file's tests. */
  freshSchemaUrl(): Promise<string>;
  /** The schema a URL of freshSchemaUrl names. */
  schemaOf(url: string): string;
}

/**
 * PostgreSQL for a test file: every store gets its own schema, so test files and repeated runs
 * share the database safely. Call it at the top of the file; it drops its schemas after the file.
 */
export function usePostgresSchemas(): PostgresSchemas {
  const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
  if (!baseUrl) {
    throw new Error(
      'TESSERA_TEST_POSTGRES_URL is not set, so the PostgreSQL store cannot be tested. Run '
      + '`scripts/postgres-test-server.sh start` and export the URL it prints as TESSERA_TEST_POSTGRES_URL, '
      + 'or run the store project of vitest.config.ts, whose globalSetup starts it.');
  }
  const admin = new pg.Pool({ connectionString: baseUrl, max: 2 });
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  return {
    baseUrl,
    admin,
    async freshSchemaUrl() {
      const schema = `tessera_test_${randomBytes(8).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      schemas.push(schema);
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    schemaOf(url) {
      const schema = new URL(url).searchParams.get('options')?.split('=')[1];
      if (!schema) throw new Error(`${url} names no schema`);
      return schema;
    },
  };
}
