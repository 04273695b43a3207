import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoResource, DemoResourceStore, OwnerKind } from './resource-store.js';

type ResourceRow = { id: string; owner_kind: OwnerKind; owner_id: string; title: string; created_by: string; created_at: number };

function fromRow(row: ResourceRow): DemoResource {
  return {
    id: row.id, ownerKind: row.owner_kind, ownerId: row.owner_id, title: row.title, createdBy: row.created_by, createdAt: row.created_at,
  };
}

/**
 * The demo's resources in the same SQLite file as the authorization server, through a connection
 * of its own. The table is the demo's, created on first use: the product's migrations never see it.
 */
export class SqliteDemoResourceStore implements DemoResourceStore {
  private readonly db: Database.Database;

  /** `path` is a file path or ':memory:'. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // The authorization server writes to the same file from its own connection.
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS demo_resources (
        id TEXT PRIMARY KEY,
        owner_kind TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS demo_resources_owner ON demo_resources (owner_kind, owner_id);
    `);
  }

  async list(ownerKind: OwnerKind, ownerId: string): Promise<DemoResource[]> {
    const rows = this.db.prepare('SELECT * FROM demo_resources WHERE owner_kind = ? AND owner_id = ? ORDER BY created_at, rowid')
      .all(ownerKind, ownerId) as ResourceRow[];
    return rows.map(fromRow);
  }

  async add(r: DemoResource): Promise<void> {
    this.db.prepare('INSERT INTO demo_resources (id, owner_kind, owner_id, title, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.id, r.ownerKind, r.ownerId, r.title, r.createdBy, r.createdAt);
  }

  async count(ownerKind: OwnerKind, ownerId: string): Promise<number> {
    const row = this.db.prepare('SELECT count(*) AS n FROM demo_resources WHERE owner_kind = ? AND owner_id = ?')
      .get(ownerKind, ownerId) as { n: number };
    return row.n;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
