import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { usePostgresSchemas } from './postgres-schemas.js';

// Upgrading a database of an earlier version, which stored every access token: the tokens it had
// revoked and that have not expired carry over to the deny list (by jti); the others are left to
// the expiry purge, and introspection no longer reads them for JWTs that carry a grant family.

const now = Math.floor(Date.now() / 1000);
const ROWS: [string, string, string, number | null, number][] = [
  // hash, kind, jti, revoked_at, expires_at
  ['h-revoked-live', 'access_token', 'jti-revoked-live', now - 10, now + 300],
  ['h-revoked-expired', 'access_token', 'jti-revoked-expired', now - 400, now - 100],
  ['h-live', 'access_token', 'jti-live', null, now + 300],
  ['h-refresh-revoked', 'refresh_token', 'jti-refresh', now - 10, now + 3600],
];
const identity = (jti: string) => ({ jti, familyId: null, subject: 'u', clientId: 'app', issuedAt: now - 60 });

async function expectCarriedOver(store: Store): Promise<void> {
  expect(await store.denials.count()).toBe(1);
  expect(await store.denials.isDenied(identity('jti-revoked-live'))).toBe(true);
  expect(await store.denials.isDenied(identity('jti-live'))).toBe(false);
  expect(await store.denials.isDenied(identity('jti-revoked-expired'))).toBe(false);
}

describe('the deny-list migration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-denials-migration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: revoked, unexpired access tokens of an earlier version are denied by jti', async () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const migration of sqliteMigrations.filter((m) => m.version <= 8)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, now);
    }
    const insert = db.prepare(`INSERT INTO tokens (hash, kind, jti, client_id, subject, user_id, scope, audience, issued_at, expires_at, family_id, revoked_at, rotated_at)
      VALUES (?, ?, ?, 'app', 'u', 'u', 'read', 'https://api.example/', ?, ?, 'fam', ?, NULL)`);
    for (const [hash, kind, jti, revokedAt, expiresAt] of ROWS) insert.run(hash, kind, jti, now - 60, expiresAt, revokedAt);
    db.close();
    chmodSync(path, 0o600); // the store refuses files others can read (private-files.ts)
    const store = new SqliteStore(path);
    try {
      await expectCarriedOver(store);
    } finally {
      await store.close();
    }
  });

  const postgres = usePostgresSchemas();
  it('PostgreSQL: the same', async () => {
    const url = await postgres.freshSchemaUrl();
    const schema = postgres.schemaOf(url);
    const client = await postgres.admin.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      for (const migration of postgresMigrations.filter((m) => m.version <= 7)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, now]);
      }
      for (const [hash, kind, jti, revokedAt, expiresAt] of ROWS) {
        await client.query(`INSERT INTO tokens (hash, kind, jti, client_id, subject, user_id, scope, audience, issued_at, expires_at, family_id, revoked_at, rotated_at)
          VALUES ($1, $2, $3, 'app', 'u', 'u', '{read}', 'https://api.example/', $4, $5, 'fam', $6, NULL)`, [hash, kind, jti, now - 60, expiresAt, revokedAt]);
      }
    } finally {
      await client.query('RESET search_path');
      client.release();
    }
    const store = await PostgresStore.connect(url);
    try {
      await expectCarriedOver(store);
    } finally {
      await store.close();
    }
  });
});
