import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { SessionRecord, SessionStore } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.sessions;

export class SqliteSessionStore implements SessionStore {
  private readonly upsertStmt;
  private readonly findStmt;
  private readonly deleteStmt;
  private readonly purgeStmt;

  constructor(db: Database.Database) {
    // created_at is the session's first save.
    this.upsertStmt = db.prepare(`
      INSERT INTO sessions (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (hash) DO UPDATE SET user_id = excluded.user_id, csrf_token = excluded.csrf_token,
        auth_time = excluded.auth_time, expires_at = excluded.expires_at, sid = excluded.sid`);
    this.findStmt = db.prepare('SELECT * FROM sessions WHERE hash = ? AND expires_at > ?');
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE hash = ?');
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE expires_at < ?');
  }

  async save(session: SessionRecord): Promise<void> {
    this.upsertStmt.run(...toParams(session));
  }

  async find(hash: string, now: number): Promise<SessionRecord | undefined> {
    const row = this.findStmt.get(hash, now) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async delete(hash: string): Promise<void> {
    this.deleteStmt.run(hash);
  }

  async purgeExpired(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes;
  }
}
