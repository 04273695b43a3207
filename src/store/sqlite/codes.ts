import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { CodeRecord, CodeStore, RedeemResult, TokenRecord } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { SqliteTokenWrites } from './tokens.js';

const { columns, toParams, fromRow } = rows.codes;

export class SqliteCodeStore implements CodeStore {
  private readonly insertStmt;
  private readonly consumeStmt;
  private readonly findStmt;
  private readonly markReplayedStmt;
  private readonly purgeStmt;
  private readonly tokens: SqliteTokenWrites;
  private readonly redeemTx;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO codes (${columns.join(', ')}) VALUES (${placeholders(columns)})`);
    // Single use is this one conditional UPDATE: of any number of concurrent redemptions, one matches.
    this.consumeStmt = db.prepare(
      'UPDATE codes SET consumed_at = ? WHERE hash = ? AND consumed_at IS NULL AND expires_at > ? RETURNING *');
    this.findStmt = db.prepare('SELECT * FROM codes WHERE hash = ?');
    this.markReplayedStmt = db.prepare(
      'UPDATE codes SET replayed_at = COALESCE(replayed_at, ?) WHERE hash = ? AND consumed_at IS NOT NULL RETURNING *');
    this.purgeStmt = db.prepare('DELETE FROM codes WHERE expires_at < ?');
    this.tokens = new SqliteTokenWrites(db);
    this.redeemTx = db.transaction((hash: string, now: number, records: readonly TokenRecord[]): RedeemResult => {
      const consumed = this.consumeStmt.get(now, hash, now) as Row | undefined;
      if (consumed) {
        // A failing insert throws, and the transaction rolls the consumption back.
        this.tokens.insert(records);
        return { outcome: 'redeemed', code: fromRow(consumed) };
      }
      // RFC 6749 §4.1.2: a code used twice is refused, and what it issued is revoked. replayed_at
      // keeps the first replay's time, for operators.
      const replayed = this.markReplayedStmt.get(now, hash) as Row | undefined;
      if (!replayed) return { outcome: 'invalid' };
      const code = fromRow(replayed);
      return { outcome: 'replayed', code, revoked: this.tokens.revokeFamily(code.familyId, now) };
    });
  }

  async save(code: CodeRecord): Promise<void> {
    this.insertStmt.run(...toParams(code));
  }

  async find(hash: string): Promise<CodeRecord | undefined> {
    const row = this.findStmt.get(hash) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async redeem(hash: string, now: number, records: TokenRecord[]): Promise<RedeemResult> {
    // IMMEDIATE takes the write lock before the first read, so a redemption in another process
    // (--workers) commits wholly before or after this one: a replay always sees its tokens.
    return this.redeemTx.immediate(hash, now, records);
  }

  async purgeExpired(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes;
  }
}
