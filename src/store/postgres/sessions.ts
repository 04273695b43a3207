import type pg from 'pg';
import type { SessionRecord, SessionStore } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.sessions;

export class PostgresSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(session: SessionRecord): Promise<void> {
    // created_at is the session's first save.
    await this.pool.query(`
      INSERT INTO sessions (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (hash) DO UPDATE SET user_id = excluded.user_id, csrf_token = excluded.csrf_token,
        auth_time = excluded.auth_time, expires_at = excluded.expires_at, sid = excluded.sid`, toParams(session));
  }

  async find(hash: string, now: number): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM sessions WHERE hash = $1 AND expires_at > $2', [hash, now]);
    return rows[0] && fromRow(rows[0]);
  }

  async delete(hash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE hash = $1', [hash]);
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [before])).rowCount ?? 0;
  }
}
