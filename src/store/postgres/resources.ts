import type pg from 'pg';
import type { ResourceServer, ResourceServerStore } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.resources;

export class PostgresResourceServerStore implements ResourceServerStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(resource: string): Promise<ResourceServer | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM resource_servers WHERE resource = $1', [resource]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(): Promise<ResourceServer[]> {
    const { rows } = await this.pool.query('SELECT * FROM resource_servers ORDER BY resource');
    return rows.map(fromRow);
  }

  async upsert(resource: ResourceServer): Promise<void> {
    // created_at is the first registration's.
    await this.pool.query(`
      INSERT INTO resource_servers (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (resource) DO UPDATE SET scope = excluded.scope, introspection_clients = excluded.introspection_clients,
        signing_alg = excluded.signing_alg`,
    toParams(resource));
  }

  async delete(resource: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM resource_servers WHERE resource = $1', [resource])).rowCount ?? 0) > 0;
  }
}
