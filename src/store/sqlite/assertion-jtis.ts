import type Database from 'better-sqlite3';
import type { ClientAssertionJtiStore } from '../types.js';

/** The client assertion ids already used (types.ts ClientAssertionJtiStore). */
export class SqliteClientAssertionJtiStore implements ClientAssertionJtiStore {
  private readonly claimStmt;
  private readonly purgeStmt;

  constructor(db: Database.Database) {
    // One statement: a new row, or an expired one taken over; a live row is left alone and no
    // row changes, which is the replay. SQLite runs it atomically across connections.
    this.claimStmt = db.prepare(`INSERT INTO client_assertion_jtis (client_id, jti_hash, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (client_id, jti_hash) DO UPDATE SET expires_at = excluded.expires_at
      WHERE client_assertion_jtis.expires_at <= ?`);
    this.purgeStmt = db.prepare('DELETE FROM client_assertion_jtis WHERE expires_at <= ?');
  }

  claim(clientId: string, jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    return Promise.resolve(this.claimStmt.run(clientId, jtiHash, expiresAt, now).changes > 0);
  }

  purgeExpired(now: number): Promise<number> {
    return Promise.resolve(this.purgeStmt.run(now).changes);
  }
}
