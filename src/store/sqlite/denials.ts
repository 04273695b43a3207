import type Database from 'better-sqlite3';
import { denialKey, denialKeysOf } from '../denial-keys.js';
import type { AccessTokenDenyList, AccessTokenIdentity } from '../types.js';

const PURGE_BATCH = 2000;

/** types.ts AccessTokenDenyList on SQLite: the access_token_denials table (migration 10). */
export class SqliteAccessTokenDenyList implements AccessTokenDenyList {
  private readonly denyStmt;
  private readonly deniedStmt;
  private readonly purgeExpiredStmt;
  private readonly purgeRecordedStmt;
  private readonly countStmt;

  constructor(db: Database.Database) {
    // DO NOTHING: a second revocation keeps the first one's row; its expiry is the token's own.
    this.denyStmt = db.prepare('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING');
    // Five primary-key lookups in one statement.
    this.deniedStmt = db.prepare(`SELECT 1 FROM access_token_denials
      WHERE key IN (?, ?) OR (key IN (?, ?, ?) AND denied_at >= ?) LIMIT 1`);
    // In batches, as the tokens' purge: one DELETE of a flood of rows would hold the event loop.
    this.purgeExpiredStmt = db.prepare(`DELETE FROM access_token_denials WHERE key IN
      (SELECT key FROM access_token_denials WHERE expires_at < ? LIMIT ${PURGE_BATCH})`);
    this.purgeRecordedStmt = db.prepare(`DELETE FROM access_token_denials WHERE key IN
      (SELECT key FROM access_token_denials WHERE denied_at < ? AND expires_at IS NULL LIMIT ${PURGE_BATCH})`);
    this.countStmt = db.prepare('SELECT count(*) AS n FROM access_token_denials');
  }

  async denyToken(jti: string, expiresAt: number, now: number): Promise<void> {
    this.denyStmt.run(denialKey.token(jti), now, expiresAt);
  }

  async isDenied(token: AccessTokenIdentity): Promise<boolean> {
    const { absolute, cutoffs } = denialKeysOf(token);
    return this.deniedStmt.get(...absolute, ...cutoffs, token.issuedAt) !== undefined;
  }

  async purge(expiredBefore: number, recordedBefore: number): Promise<number> {
    let total = 0;
    for (const [stmt, bound] of [[this.purgeExpiredStmt, expiredBefore], [this.purgeRecordedStmt, recordedBefore]] as const) {
      for (;;) {
        const deleted = stmt.run(bound).changes;
        total += deleted;
        if (deleted < PURGE_BATCH) break;
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return total;
  }

  async count(): Promise<number> {
    return (this.countStmt.get() as { n: number }).n;
  }
}
