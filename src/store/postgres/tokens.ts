import type pg from 'pg';
import { denialKey } from '../denial-keys.js';
import { REFRESH_RETRY_COLUMNS, refreshRetryParams } from '../rows.js';
import type { RotateResult, SealedSuccessor, TokenRecord, TokenStore } from '../types.js';
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
  // Access tokens are not stored: a family row in the deny list ends them (types.ts AccessTokenDenyList).
  await db.query('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES ($1, $2, NULL) ON CONFLICT (key) DO NOTHING',
    [denialKey.family(familyId), now]);
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

  async rotateRefreshToken(
    oldHash: string, clientId: string, now: number, replacements: TokenRecord[], successor?: SealedSuccessor,
  ): Promise<RotateResult> {
    return inTransaction(this.pool, async (db) => {
      // Rotations and revocations of one family take turns (see revokeFamilyLocked). Parallel
      // presentations of one token queue here: the first rotates and commits its successor before
      // the next one reads (READ COMMITTED: each statement below sees what committed before it).
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
        const kept = refreshRetryParams(oldHash, replacements, successor, now);
        if (kept) {
          await db.query(`INSERT INTO refresh_retries (${REFRESH_RETRY_COLUMNS.join(', ')}) VALUES (${placeholders(REFRESH_RETRY_COLUMNS)})`, kept);
        }
        return { outcome: 'rotated', previous: fromRow(retired.rows[0]) };
      }
      const { rows: [existing] } = await db.query(
        "SELECT * FROM tokens WHERE hash = $1 AND kind = 'refresh_token' AND client_id = $2 AND rotated_at IS NOT NULL",
        [oldHash, clientId]);
      if (!existing) return { outcome: 'invalid' };
      const previous = fromRow(existing);
      // The same client again, within the window, before any successor was used: a retry. Never
      // a resurrection: every successor must still be live. The successor access token is not
      // stored: its revocation is its jti row in the deny list (rows.ts); a row of an earlier
      // version names a stored access token instead.
      const { rows: [retry] } = await db.query<{ sealed: string }>(`
        SELECT r.sealed FROM refresh_retries r
          JOIN tokens old ON old.hash = r.hash
          JOIN tokens rt ON rt.hash = r.refresh_hash
          LEFT JOIN tokens at ON at.hash = r.access_hash
        WHERE r.hash = $1 AND r.expires_at > $2 AND old.revoked_at IS NULL
          AND rt.rotated_at IS NULL AND rt.revoked_at IS NULL AND rt.expires_at > $2
          AND (at.hash IS NULL OR (at.revoked_at IS NULL AND at.expires_at > $2))
          AND NOT EXISTS (SELECT 1 FROM access_token_denials d WHERE d.key = r.access_hash)`, [oldHash, now]);
      if (retry) return { outcome: 'retried', previous, sealed: retry.sealed };
      // RFC 9700 §4.14.2: a rotated refresh token presented again is a replay; revoke its family.
      await revokeFamilyLocked(db, previous.familyId, now);
      await db.query('DELETE FROM refresh_retries WHERE hash = $1', [oldHash]);
      return { outcome: 'reused', previous };
    });
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM tokens WHERE expires_at < $1', [before])).rowCount ?? 0;
  }

  async purgeSealedSuccessors(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM refresh_retries WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM tokens');
    return rows[0]?.n ?? 0;
  }
}
