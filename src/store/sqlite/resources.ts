import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { ResourceServer, ResourceServerStore } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.resources;

export class SqliteResourceServerStore implements ResourceServerStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM resource_servers WHERE resource = ?');
    this.listStmt = db.prepare('SELECT * FROM resource_servers ORDER BY resource');
    // created_at is the first registration's.
    this.upsertStmt = db.prepare(`
      INSERT INTO resource_servers (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (resource) DO UPDATE SET scope = excluded.scope, introspection_clients = excluded.introspection_clients,
        signing_alg = excluded.signing_alg`);
    this.deleteStmt = db.prepare('DELETE FROM resource_servers WHERE resource = ?');
  }

  async get(resource: string): Promise<ResourceServer | undefined> {
    const row = this.getStmt.get(resource) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<ResourceServer[]> {
    return (this.listStmt.all() as Row[]).map(fromRow);
  }

  async upsert(resource: ResourceServer): Promise<void> {
    this.upsertStmt.run(...toParams(resource));
  }

  async delete(resource: string): Promise<boolean> {
    return this.deleteStmt.run(resource).changes > 0;
  }
}
