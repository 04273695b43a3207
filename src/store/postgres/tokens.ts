import type pg from 'pg';
import type { RotateResult, TokenRecord, TokenStore } from '../types.js';
import { inTransaction, placeholders, rows, type Queryable } from './dialect.js';

const { columns, toParams, fromRow } = rows.tokens;

/** One multi-row INSERT, so a batch is saved whole or not at all. */
export async function insertTokens(db: Queryable, records: readonly TokenRecord[]): Promise<void> {
  if (records.length === 0) return;
  const values = records.flatMap(toParams);
  const tuples = records.map((_, i) => `(${placeholders(columns, i * columns.length + 1)})`);
  await db.query(`INSERT INTO tokens (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

/**
 * Revokes the family's live tokens; returns how many. Call it in a transaction that holds the
 * family's lock (the advisory lock on hashtextextended(family_id, 0)): rotations and revocations
 * of one family take turns. Without it, a revocation's snapshot could predate the commit of a
 * concurrent rotation and miss its new tokens. Code redemption (codes.ts) takes the same lock.
 */
export async function revokeFamilyLocked(db: Queryable, familyId: string, now: number): Promise<number> {
  const result = await db.query('UPDATE tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL', [now, familyId]);
  return result.rowCount ?? 0;
}

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(record: TokenRecord): Promise<void> {
    await insertTokens(this.pool, [record]);
  }

  async saveAll(records: TokenRecord[]): Promise<void> {
    await insertTokens(this.pool, records);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM tokens WHERE hash = $1', [hash]);
    return rows[0] && fromRow(rows[0]);
  }

  async revoke(hash: string, now: number): Promise<boolean> {
    // types.ts: true when the token exists, revoked already or not; the first revocation time stays.
    const result = await this.pool.query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE hash = $2', [now, hash]);
    return (result.rowCount ?? 0) > 0;
  }

  async revokeFamily(familyId: string, now: number): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [familyId]);
      return revokeFamilyLocked(db, familyId, now);
    });
  }

  async rotateRefreshToken(oldHash: string, clientId: string, now: number, replacements: TokenRecord[]): Promise<RotateResult> {
    return inTransaction(this.pool, async (db) => {
      // Rotations and revocations of one family take turns (see revokeFamilyLocked).
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended(family_id, 0)) FROM tokens WHERE hash = $1', [oldHash]);
      // Only a live, unrotated, unexpired refresh token of this client matches. A concurrent caller's
      // UPDATE waits on the row lock, then re-checks the condition against the committed row and
      // matches nothing: exactly one caller retires the token.
      const retired = await db.query(`
        UPDATE tokens SET rotated_at = $1
        WHERE hash = $2 AND kind = 'refresh_token' AND client_id = $3 AND rotated_at IS NULL AND revoked_at IS NULL
          AND expires_at > $1
        RETURNING *`, [now, oldHash, clientId]);
      if (retired.rows[0]) {
        await insertTokens(db, replacements);
        return { outcome: 'rotated', previous: fromRow(retired.rows[0]) };
      }
      // RFC 9700 §4.14.2: a rotated refresh token presented again is a replay; revoke its family.
      // One statement: the CTE's UPDATE runs whether or not the outer SELECT reads it.
      const reused = await db.query(`
        WITH reused AS (
          SELECT * FROM tokens
          WHERE hash = $1 AND kind = 'refresh_token' AND client_id = $2 AND rotated_at IS NOT NULL
        ), family AS (
          UPDATE tokens SET revoked_at = $3
          WHERE family_id IN (SELECT family_id FROM reused) AND revoked_at IS NULL
        )
        SELECT * FROM reused`, [oldHash, clientId, now]);
      return reused.rows[0] ? { outcome: 'reused', previous: fromRow(reused.rows[0]) } : { outcome: 'invalid' };
    });
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM tokens WHERE expires_at < $1', [before])).rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM tokens');
    return rows[0]?.n ?? 0;
  }
}
