import type Database from 'better-sqlite3';
import { denialKey } from '../denial-keys.js';
import { REFRESH_RETRY_COLUMNS, refreshRetryParams, type Row } from '../rows.js';
import type { RotateResult, SealedSuccessor, TokenRecord, TokenStore } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { GroupCommit } from './group-commit.js';

const { columns, toParams, fromRow } = rows.tokens;

/**
 * The token writes that run inside other transactions: rotation here, and code redemption
 * (codes.ts). Synchronous, so that they join whichever better-sqlite3 transaction calls them.
 */
export class SqliteTokenWrites {
  private readonly insertStmt;
  private readonly revokeFamilyStmt;
  private readonly denyFamilyStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO tokens (${columns.join(', ')}) VALUES (${placeholders(columns)})`);
    this.revokeFamilyStmt = db.prepare('UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
    this.denyFamilyStmt = db.prepare('INSERT INTO access_token_denials (key, denied_at, expires_at) VALUES (?, ?, NULL) ON CONFLICT (key) DO NOTHING');
  }

  insert(records: readonly TokenRecord[]): void {
    for (const record of records) this.insertStmt.run(...toParams(record));
  }

  /**
   * Revokes the family's live stored tokens, and denies its access tokens (which are not stored)
   * by a family row in the deny list; returns how many stored tokens were live.
   */
  revokeFamily(familyId: string, now: number): number {
    this.denyFamilyStmt.run(denialKey.family(familyId), now);
    return this.revokeFamilyStmt.run(now, familyId).changes;
  }
}

export class SqliteTokenStore implements TokenStore {
  private readonly writes: SqliteTokenWrites;
  private readonly findStmt;
  private readonly revokeStmt;
  private readonly retireStmt;
  private readonly purgeStmt;
  private readonly countStmt;
  private readonly insertSuccessorStmt;
  private readonly retryStmt;
  private readonly forgetSuccessorStmt;
  private readonly purgeSuccessorsStmt;
  private readonly rotate;
  /** Token inserts of one event-loop turn share a transaction (docs/BENCHMARKS.md). */
  private readonly inserts: GroupCommit<TokenRecord>;

  constructor(db: Database.Database) {
    this.writes = new SqliteTokenWrites(db);
    this.findStmt = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    // COALESCE keeps the first revocation time, and the change count says whether the token exists.
    this.revokeStmt = db.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE hash = ?');
    // The single conditional statement that makes rotation happen once: only a live, unrotated,
    // unexpired refresh token of this client matches, and only one UPDATE can change it.
    this.retireStmt = db.prepare(`
      UPDATE tokens SET rotated_at = ?
      WHERE hash = ? AND kind = 'refresh_token' AND client_id = ? AND rotated_at IS NULL AND revoked_at IS NULL
        AND expires_at > ?
      RETURNING *`);
    // In batches: one DELETE of millions of expired rows would hold the event loop for seconds.
    this.purgeStmt = db.prepare('DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at < ? LIMIT 2000)');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM tokens');
    this.insertSuccessorStmt = db.prepare(
      `INSERT INTO refresh_retries (${REFRESH_RETRY_COLUMNS.join(', ')}) VALUES (${placeholders(REFRESH_RETRY_COLUMNS)})`);
    // A retry is answered only while its window is open, by the client the token was issued to,
    // and while no successor has been used, revoked or has expired: never a resurrection. The
    // successor access token is not stored: its revocation is its jti row in the deny list (rows.ts);
    // a row of an earlier version names a stored access token instead.
    this.retryStmt = db.prepare(`
      SELECT r.sealed FROM refresh_retries r
        JOIN tokens old ON old.hash = r.hash
        JOIN tokens rt ON rt.hash = r.refresh_hash
        LEFT JOIN tokens at ON at.hash = r.access_hash
      WHERE r.hash = ? AND r.expires_at > ? AND old.client_id = ? AND old.revoked_at IS NULL
        AND rt.rotated_at IS NULL AND rt.revoked_at IS NULL AND rt.expires_at > ?
        AND (at.hash IS NULL OR (at.revoked_at IS NULL AND at.expires_at > ?))
        AND NOT EXISTS (SELECT 1 FROM access_token_denials d WHERE d.key = r.access_hash)`);
    this.forgetSuccessorStmt = db.prepare('DELETE FROM refresh_retries WHERE hash = ?');
    this.purgeSuccessorsStmt = db.prepare('DELETE FROM refresh_retries WHERE expires_at <= ?');
    const insertMany = db.transaction((records: readonly TokenRecord[]) => this.writes.insert(records));
    this.inserts = new GroupCommit((records) => insertMany(records));
    this.rotate = db.transaction((
      oldHash: string, clientId: string, now: number, replacements: TokenRecord[], successor: SealedSuccessor | undefined,
    ): RotateResult => {
      const retired = this.retireStmt.get(now, oldHash, clientId, now) as Row | undefined;
      if (retired) {
        this.writes.insert(replacements);
        const kept = refreshRetryParams(oldHash, replacements, successor, now);
        if (kept) this.insertSuccessorStmt.run(...kept);
        return { outcome: 'rotated', previous: fromRow(retired) };
      }
      const existing = this.findStmt.get(oldHash) as Row | undefined;
      if (!existing) return { outcome: 'invalid' };
      const previous = fromRow(existing);
      if (previous.kind !== 'refresh_token' || previous.clientId !== clientId || previous.rotatedAt === null) {
        return { outcome: 'invalid' };
      }
      // The same client again, within the window, before any successor was used: a retry.
      const retry = this.retryStmt.get(oldHash, now, clientId, now, now) as { sealed: string } | undefined;
      if (retry) return { outcome: 'retried', previous, sealed: retry.sealed };
      // RFC 9700 §4.14.2: a rotated refresh token presented again is a replay; revoke its family.
      this.writes.revokeFamily(previous.familyId, now);
      this.forgetSuccessorStmt.run(oldHash);
      return { outcome: 'reused', previous };
    });
  }

  async save(record: TokenRecord): Promise<void> {
    return this.inserts.write([record]);
  }

  async saveAll(records: TokenRecord[]): Promise<void> {
    return this.inserts.write(records);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const row = this.findStmt.get(hash) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async revoke(hash: string, now: number): Promise<boolean> {
    return this.revokeStmt.run(now, hash).changes > 0;
  }

  async revokeFamily(familyId: string, now: number): Promise<number> {
    return this.writes.revokeFamily(familyId, now);
  }

  async rotateRefreshToken(
    oldHash: string, clientId: string, now: number, replacements: TokenRecord[], successor?: SealedSuccessor,
  ): Promise<RotateResult> {
    // IMMEDIATE takes the write lock first: another process (--workers) cannot slip in between,
    // so of parallel presentations of one token exactly one rotates and the others see its successor.
    return this.rotate.immediate(oldHash, clientId, now, replacements, successor);
  }

  async purgeSealedSuccessors(now: number): Promise<number> {
    return this.purgeSuccessorsStmt.run(now).changes;
  }

  async purgeExpired(before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = this.purgeStmt.run(before).changes;
      total += deleted;
      if (deleted < 2000) return total;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async count(): Promise<number> {
    return (this.countStmt.get() as { n: number }).n;
  }
}
