import type pg from 'pg';
import type { ClientAssertionJtiStore } from '../types.js';

/** The client assertion ids already used (types.ts ClientAssertionJtiStore). */
export class PostgresClientAssertionJtiStore implements ClientAssertionJtiStore {
  constructor(private readonly pool: pg.Pool) {}

  async claim(clientId: string, jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    // One statement: ON CONFLICT locks the existing row, so of concurrent claims of one jti exactly
    // one inserts (or takes over an expired row) and the others change nothing.
    const result = await this.pool.query(`INSERT INTO client_assertion_jtis (client_id, jti_hash, expires_at) VALUES ($1, $2, $3)
      ON CONFLICT (client_id, jti_hash) DO UPDATE SET expires_at = excluded.expires_at
      WHERE client_assertion_jtis.expires_at <= $4`, [clientId, jtiHash, expiresAt, now]);
    return (result.rowCount ?? 0) > 0;
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM client_assertion_jtis WHERE expires_at <= $1', [now]);
    return result.rowCount ?? 0;
  }
}
