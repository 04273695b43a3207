import type pg from 'pg';
import type { User, UserStore } from '../types.js';
import { inTransaction, placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';

const { columns, toParams, fromRow } = rows.users;

export class PostgresUserStore implements UserStore {
  constructor(private readonly pool: pg.Pool) {}

  async getByUsername(username: string): Promise<User | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] && fromRow(rows[0]);
  }

  async getById(id: string): Promise<User | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(): Promise<User[]> {
    const { rows } = await this.pool.query('SELECT * FROM users ORDER BY username');
    return rows.map(fromRow);
  }

  async upsert(user: User): Promise<User> {
    // An existing username keeps its id (the subject is never reassigned) and createdAt.
    const { rows } = await this.pool.query(`
      INSERT INTO users (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, claims = excluded.claims
      RETURNING *`, toParams(user));
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return fromRow(row);
  }

  async endSessions(userId: string, now: number): Promise<void> {
    await inTransaction(this.pool, (db) => endGrants(db, { userId }, now, { keepConsents: true }));
  }

  async delete(username: string, now: number): Promise<boolean> {
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query('DELETE FROM users WHERE username = $1 RETURNING id', [username]);
      const id = rows[0]?.id as string | undefined;
      if (id !== undefined) await endGrants(db, { userId: id }, now);
      return id !== undefined;
    });
  }
}
