import type pg from 'pg';
import { throttleFromRow } from '../rows.js';
import type { ThrottleState, ThrottleStore } from '../types.js';

export class PostgresThrottleStore implements ThrottleStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    // One statement: a failure either extends the current window or starts a new one.
    const { rows } = await this.pool.query(`
      INSERT INTO throttle (key, failures, window_start) VALUES ($1, 1, $2)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN 1 ELSE throttle.failures + 1 END,
        window_start = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN $2 ELSE throttle.window_start END
      RETURNING failures, window_start`, [key, now, windowSeconds]);
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return throttleFromRow(row);
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const { rows } = await this.pool.query('SELECT failures, window_start FROM throttle WHERE key = $1', [key]);
    return rows[0] && throttleFromRow(rows[0]);
  }

  async forgive(key: string): Promise<void> {
    await this.pool.query('UPDATE throttle SET failures = GREATEST(failures - 1, 0) WHERE key = $1', [key]);
  }

  async reset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM throttle WHERE key = $1', [key]);
  }
}
