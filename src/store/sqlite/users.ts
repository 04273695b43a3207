import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { User, UserStore } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';

const { columns, toParams, fromRow } = rows.users;

export class SqliteUserStore implements UserStore {
  private readonly byName;
  private readonly byId;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteTx;
  private readonly endSessionsTx;

  constructor(db: Database.Database) {
    this.byName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM users ORDER BY username');
    // An existing username keeps its id (the subject is never reassigned) and createdAt.
    this.upsertStmt = db.prepare(`
      INSERT INTO users (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, claims = excluded.claims
      RETURNING *`);
    this.endSessionsTx = db.transaction((userId: string, now: number) => endGrants(db, { userId }, now, { keepConsents: true }));
    const deleteStmt = db.prepare('DELETE FROM users WHERE username = ? RETURNING id');
    this.deleteTx = db.transaction((username: string, now: number) => {
      const deleted = deleteStmt.get(username) as { id: string } | undefined;
      if (deleted) endGrants(db, { userId: deleted.id }, now);
      return deleted !== undefined;
    });
  }

  async getByUsername(username: string): Promise<User | undefined> {
    const row = this.byName.get(username) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async getById(id: string): Promise<User | undefined> {
    const row = this.byId.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<User[]> {
    return (this.listStmt.all() as Row[]).map(fromRow);
  }

  async upsert(user: User): Promise<User> {
    return fromRow(this.upsertStmt.get(...toParams(user)) as Row);
  }

  async endSessions(userId: string, now: number): Promise<void> {
    this.endSessionsTx.immediate(userId, now);
  }

  async delete(username: string, now: number): Promise<boolean> {
    return this.deleteTx.immediate(username, now);
  }
}
