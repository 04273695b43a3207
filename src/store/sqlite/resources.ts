import type Database from 'better-sqlite3';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { Row } from '../rows.js';
import type { ResourceServer, ResourceServerStore } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { registryVersionBump } from './registry-version.js';

const { columns, toParams, fromRow } = rows.resources;

export class SqliteResourceServerStore implements ResourceServerStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertTx;
  private readonly deleteTx;

  constructor(db: Database.Database, private readonly changes: RegistryChangeSignal) {
    this.getStmt = db.prepare('SELECT * FROM resource_servers WHERE resource = ?');
    this.listStmt = db.prepare('SELECT * FROM resource_servers ORDER BY resource');
    // created_at is the first registration's.
    const upsertStmt = db.prepare(`
      INSERT INTO resource_servers (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (resource) DO UPDATE SET scope = excluded.scope, introspection_clients = excluded.introspection_clients,
        signing_alg = excluded.signing_alg`);
    const deleteStmt = db.prepare('DELETE FROM resource_servers WHERE resource = ?');
    // Every write moves the registry version in its own transaction (store/registry-cache.ts).
    const bump = registryVersionBump(db);
    this.upsertTx = db.transaction((resource: ResourceServer) => {
      upsertStmt.run(...toParams(resource));
      bump.run();
    });
    this.deleteTx = db.transaction((resource: string) => {
      const deleted = deleteStmt.run(resource).changes > 0;
      if (deleted) bump.run();
      return deleted;
    });
  }

  async get(resource: string): Promise<ResourceServer | undefined> {
    const row = this.getStmt.get(resource) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<ResourceServer[]> {
    return (this.listStmt.all() as Row[]).map(fromRow);
  }

  async upsert(resource: ResourceServer): Promise<void> {
    await this.changes.afterWrite(() => this.upsertTx.immediate(resource));
  }

  async delete(resource: string): Promise<boolean> {
    return this.changes.afterWrite(() => this.deleteTx.immediate(resource));
  }
}
