import type Database from 'better-sqlite3';
import { throttleFromRow, type Row } from '../rows.js';
import type { ThrottleLimit, ThrottleReservation, ThrottleState, ThrottleStore } from '../types.js';

// The counter as it stands at @now: a window that ended has no failures, an ended lease no attempts in flight.
const ENDED = 'window_start <= @now - @window';
const FAILURES = `CASE WHEN ${ENDED} THEN 0 ELSE failures END`;
const PENDING = 'CASE WHEN lease_end <= @now THEN 0 ELSE pending END';

export class SqliteThrottleStore implements ThrottleStore {
  private readonly reserveStmt;
  private readonly stateStmt;
  private readonly failStmt;
  private readonly releaseStmt;
  private readonly releaseEmptyStmt;
  private readonly recordStmt;
  private readonly getStmt;
  private readonly resetStmt;
  private readonly purgeStmt;

  constructor(db: Database.Database) {
    // One statement: the row is created with the reservation, or updated only while the current
    // failures and attempts in flight stay under the limit. A refused reservation changes nothing
    // and returns no row.
    this.reserveStmt = db.prepare(`
      INSERT INTO throttle (key, failures, pending, window_start, lease_end) VALUES (@key, 0, 1, @now, @now + @lease)
      ON CONFLICT (key) DO UPDATE SET
        failures = ${FAILURES},
        pending = ${PENDING} + 1,
        window_start = CASE WHEN ${ENDED} THEN @now ELSE window_start END,
        lease_end = @now + @lease
      WHERE ${FAILURES} + ${PENDING} < @limit
      RETURNING failures`);
    this.stateStmt = db.prepare(`SELECT ${FAILURES} AS failures, ${PENDING} AS pending, window_start FROM throttle WHERE key = @key`);
    this.failStmt = db.prepare('UPDATE throttle SET pending = max(pending - 1, 0), failures = failures + 1 WHERE key = ?');
    this.releaseStmt = db.prepare(`
      UPDATE throttle SET pending = max(pending - 1, 0), failures = CASE WHEN @forgive THEN 0 ELSE failures END WHERE key = @key`);
    // Then a counter left with nothing is deleted: whatever ran in between (another process), only a
    // row that holds no failure and no attempt in flight matches.
    this.releaseEmptyStmt = db.prepare('DELETE FROM throttle WHERE key = @key AND pending = 0 AND failures = 0');
    // One statement: a failure either extends the current window or starts a new one.
    this.recordStmt = db.prepare(`
      INSERT INTO throttle (key, failures, window_start) VALUES (@key, 1, @now)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN window_start <= @now - @window THEN 1 ELSE failures + 1 END,
        window_start = CASE WHEN window_start <= @now - @window THEN @now ELSE window_start END
      RETURNING failures, pending, window_start`);
    this.getStmt = db.prepare('SELECT failures, pending, window_start FROM throttle WHERE key = ?');
    this.resetStmt = db.prepare('DELETE FROM throttle WHERE key = ?');
    // In batches, like the token purge: one DELETE of a flood's rows would hold the event loop.
    this.purgeStmt = db.prepare(`
      DELETE FROM throttle WHERE key IN (
        SELECT key FROM throttle WHERE window_start <= @now - @window AND lease_end <= @now LIMIT 2000)`);
  }

  async reserve(key: string, limit: ThrottleLimit, now: number): Promise<ThrottleReservation> {
    const params = { key, now, window: limit.windowSeconds, lease: limit.leaseSeconds, limit: limit.limit };
    if (this.reserveStmt.get(params)) return { reserved: true };
    const row = this.stateStmt.get({ key, now, window: limit.windowSeconds }) as Row | undefined;
    return { reserved: false, state: row ? throttleFromRow(row) : { failures: 0, pending: 0, windowStart: now } };
  }

  async fail(key: string): Promise<void> {
    this.failStmt.run(key);
  }

  async release(key: string, forgive: boolean): Promise<void> {
    this.releaseStmt.run({ key, forgive: forgive ? 1 : 0 });
    this.releaseEmptyStmt.run({ key });
  }

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    return throttleFromRow(this.recordStmt.get({ key, now, window: windowSeconds }) as Row);
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const row = this.getStmt.get(key) as Row | undefined;
    return row ? throttleFromRow(row) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<(ThrottleState | undefined)[]> {
    // In-process reads: one statement per key costs no round trip here.
    return keys.map((key) => {
      const row = this.getStmt.get(key) as Row | undefined;
      return row ? throttleFromRow(row) : undefined;
    });
  }

  async reset(key: string): Promise<void> {
    this.resetStmt.run(key);
  }

  async purgeEnded(now: number, windowSeconds: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = this.purgeStmt.run({ now, window: windowSeconds }).changes;
      total += deleted;
      if (deleted < 2000) return total;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
