import type pg from 'pg';
import type { CodeRecord, CodeStore, RedeemResult, TokenRecord } from '../types.js';
import { inTransaction, placeholders, rows } from './dialect.js';
import { insertTokens, revokeFamilyLocked } from './tokens.js';

const { columns, toParams, fromRow } = rows.codes;

export class PostgresCodeStore implements CodeStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(code: CodeRecord): Promise<void> {
    await this.pool.query(`INSERT INTO codes (${columns.join(', ')}) VALUES (${placeholders(columns)})`, toParams(code));
  }

  async find(hash: string): Promise<CodeRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM codes WHERE hash = $1', [hash]);
    return rows[0] && fromRow(rows[0]);
  }

  async redeem(hash: string, now: number, records: TokenRecord[]): Promise<RedeemResult> {
    return inTransaction(this.pool, async (db) => {
      // The family's lock, as rotations and revocations take it (tokens.ts): redemptions of this
      // code take turns, each one's statements see what the one before committed, and a replay's
      // revocation also waits for a rotation of the family's tokens in flight.
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended(family_id, 0)) FROM codes WHERE hash = $1', [hash]);
      // Single use is this one conditional UPDATE; the tokens are saved in the same transaction,
      // so no replay can come between the consumption and the save.
      const consumed = await db.query(
        'UPDATE codes SET consumed_at = $1 WHERE hash = $2 AND consumed_at IS NULL AND expires_at > $1 RETURNING *', [now, hash]);
      if (consumed.rows[0]) {
        // A failing insert throws, and the transaction rolls the consumption back.
        await insertTokens(db, records);
        return { outcome: 'redeemed', code: fromRow(consumed.rows[0]) };
      }
      // RFC 6749 §4.1.2: a code used twice is refused, and what it issued is revoked. replayed_at
      // keeps the first replay's time, for operators.
      const replayed = await db.query(
        'UPDATE codes SET replayed_at = COALESCE(replayed_at, $1) WHERE hash = $2 AND consumed_at IS NOT NULL RETURNING *', [now, hash]);
      if (!replayed.rows[0]) return { outcome: 'invalid' };
      const code = fromRow(replayed.rows[0]);
      return { outcome: 'replayed', code, revoked: await revokeFamilyLocked(db, code.familyId, now) };
    });
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM codes WHERE expires_at < $1', [before])).rowCount ?? 0;
  }
}
