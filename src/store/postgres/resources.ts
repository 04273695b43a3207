import type pg from 'pg';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { ResourceServer, ResourceServerStore } from '../types.js';
import { inTransaction, placeholders, rows } from './dialect.js';
import { bumpRegistryVersion } from './registry-version.js';

const { columns, toParams, fromRow } = rows.resources;

export class PostgresResourceServerStore implements ResourceServerStore {
  constructor(private readonly pool: pg.Pool, private readonly changes: RegistryChangeSignal) {}

  async get(resource: string): Promise<ResourceServer | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM resource_servers WHERE resource = $1', [resource]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(): Promise<ResourceServer[]> {
    const { rows } = await this.pool.query('SELECT * FROM resource_servers ORDER BY resource');
    return rows.map(fromRow);
  }

  // Every write moves the registry version in its own transaction (store/registry-cache.ts).
  async upsert(resource: ResourceServer): Promise<void> {
    // created_at is the first registration's.
    await this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      await db.query(`
        INSERT INTO resource_servers (${columns.join(', ')}) VALUES (${placeholders(columns)})
        ON CONFLICT (resource) DO UPDATE SET scope = excluded.scope, introspection_clients = excluded.introspection_clients,
          signing_alg = excluded.signing_alg`,
      toParams(resource));
      await bumpRegistryVersion(db);
    }));
  }

  async delete(resource: string): Promise<boolean> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      const deleted = ((await db.query('DELETE FROM resource_servers WHERE resource = $1', [resource])).rowCount ?? 0) > 0;
      if (deleted) await bumpRegistryVersion(db);
      return deleted;
    }));
  }
}
