import type Database from 'better-sqlite3';
import { throttleFromRow, type Row } from '../rows.js';
import type { ThrottleState, ThrottleStore } from '../types.js';

export class SqliteThrottleStore implements ThrottleStore {
  private readonly recordStmt;
  private readonly getStmt;
  private readonly resetStmt;
  private readonly forgiveStmt;

  constructor(db: Database.Database) {
    // One statement: a failure either extends the current window or starts a new one.
    this.recordStmt = db.prepare(`
      INSERT INTO throttle (key, failures, window_start) VALUES (@key, 1, @now)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN window_start <= @now - @window THEN 1 ELSE failures + 1 END,
        window_start = CASE WHEN window_start <= @now - @window THEN @now ELSE window_start END
      RETURNING failures, window_start`);
    this.getStmt = db.prepare('SELECT failures, window_start FROM throttle WHERE key = ?');
    this.resetStmt = db.prepare('DELETE FROM throttle WHERE key = ?');
    this.forgiveStmt = db.prepare('UPDATE throttle SET failures = max(failures - 1, 0) WHERE key = ?');
  }

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    return throttleFromRow(this.recordStmt.get({ key, now, window: windowSeconds }) as Row);
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const row = this.getStmt.get(key) as Row | undefined;
    return row ? throttleFromRow(row) : undefined;
  }

  async forgive(key: string): Promise<void> {
    this.forgiveStmt.run(key);
  }

  async reset(key: string): Promise<void> {
    this.resetStmt.run(key);
  }
}
