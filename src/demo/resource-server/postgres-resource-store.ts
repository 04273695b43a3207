import pg from 'pg';
import type { DemoResource, DemoResourceStore, OwnerKind } from './resource-store.js';

type ResourceRow = { id: string; owner_kind: OwnerKind; owner_id: string; title: string; created_by: string; created_at: string };

function fromRow(row: ResourceRow): DemoResource {
  return {
    id: row.id, ownerKind: row.owner_kind, ownerId: row.owner_id, title: row.title, createdBy: row.created_by,
    // BIGINT arrives as a string; these are seconds since the epoch, far below 2^53.
    createdAt: Number(row.created_at),
  };
}

/** The demo's resources in the same PostgreSQL database as the authorization server, in a table of its own. */
export class PostgresDemoResourceStore implements DemoResourceStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresDemoResourceStore> {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // A dropped idle connection emits 'error' on the pool; the pool already discarded it.
    pool.on('error', () => {});
    try {
      await pool.query(`
        CREATE TABLE IF NOT EXISTS demo_resources (
          id TEXT PRIMARY KEY,
          owner_kind TEXT NOT NULL,
          owner_id TEXT NOT NULL,
          title TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS demo_resources_owner ON demo_resources (owner_kind, owner_id);
      `);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDemoResourceStore(pool);
  }

  async list(ownerKind: OwnerKind, ownerId: string): Promise<DemoResource[]> {
    const { rows } = await this.pool.query<ResourceRow>(
      'SELECT * FROM demo_resources WHERE owner_kind = $1 AND owner_id = $2 ORDER BY created_at, id', [ownerKind, ownerId]);
    return rows.map(fromRow);
  }

  async add(r: DemoResource): Promise<void> {
    await this.pool.query('INSERT INTO demo_resources (id, owner_kind, owner_id, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [r.id, r.ownerKind, r.ownerId, r.title, r.createdBy, r.createdAt]);
  }

  async count(ownerKind: OwnerKind, ownerId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM demo_resources WHERE owner_kind = $1 AND owner_id = $2', [ownerKind, ownerId]);
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
