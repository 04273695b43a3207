import type pg from 'pg';
import { denialKey, denialKeysOf } from '../denial-keys.js';
import type { AccessTokenDenyList, AccessTokenIdentity } from '../types.js';

/** types.ts AccessTokenDenyList on PostgreSQL: the access_token_denials table (migration 9). */
export class PostgresAccessTokenDenyList implements AccessTokenDenyList {
  constructor(private readonly pool: pg.Pool) {}

  async denyToken(jti: string, expiresAt: number, now: number): Promise<void> {
    // DO NOTHING: a second revocation keeps the first one's row; its expiry is the token's own.
    await this.pool.query('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
      [denialKey.token(jti), now, expiresAt]);
  }

  async isDenied(token: AccessTokenIdentity): Promise<boolean> {
    const { absolute, cutoffs } = denialKeysOf(token);
    // Five primary-key lookups in one statement.
    const { rowCount } = await this.pool.query(`SELECT 1 FROM access_token_denials
      WHERE key IN ($1, $2) OR (key IN ($3, $4, $5) AND denied_at >= $6) LIMIT 1`, [...absolute, ...cutoffs, token.issuedAt]);
    return (rowCount ?? 0) > 0;
  }

  async purge(expiredBefore: number, recordedBefore: number): Promise<number> {
    const expired = await this.pool.query('DELETE FROM access_token_denials WHERE expires_at < $1', [expiredBefore]);
    const recorded = await this.pool.query('DELETE FROM access_token_denials WHERE denied_at < $1 AND expires_at IS NULL', [recordedBefore]);
    return (expired.rowCount ?? 0) + (recorded.rowCount ?? 0);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM access_token_denials');
    return Number(rows[0]?.n ?? 0);
  }
}
