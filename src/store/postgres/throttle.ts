import type pg from 'pg';
import { throttleFromRow } from '../rows.js';
import type { ThrottleLimit, ThrottleReservation, ThrottleState, ThrottleStore } from '../types.js';

// The counter as it stands at $2 (now, $3 the window): a window that ended has no failures, an
// ended lease no attempts in flight.
const ENDED = 'throttle.window_start <= $2 - $3::bigint';
const FAILURES = `CASE WHEN ${ENDED} THEN 0 ELSE throttle.failures END`;
const PENDING = 'CASE WHEN throttle.lease_end <= $2 THEN 0 ELSE throttle.pending END';

export class PostgresThrottleStore implements ThrottleStore {
  constructor(private readonly pool: pg.Pool) {}

  async reserve(key: string, limit: ThrottleLimit, now: number): Promise<ThrottleReservation> {
    // One statement: the row is created with the reservation, or updated only while the current
    // failures and attempts in flight stay under the limit (ON CONFLICT locks the row, so parallel
    // reservations take turns). A refused reservation changes nothing and returns no row.
    const reserved = await this.pool.query(`
      INSERT INTO throttle (key, failures, pending, window_start, lease_end) VALUES ($1, 0, 1, $2, $2 + $4::bigint)
      ON CONFLICT (key) DO UPDATE SET
        failures = ${FAILURES},
        pending = ${PENDING} + 1,
        window_start = CASE WHEN ${ENDED} THEN $2 ELSE throttle.window_start END,
        lease_end = $2 + $4::bigint
      WHERE ${FAILURES} + ${PENDING} < $5
      RETURNING failures`, [key, now, limit.windowSeconds, limit.leaseSeconds, limit.limit]);
    if ((reserved.rowCount ?? 0) > 0) return { reserved: true };
    const { rows } = await this.pool.query(
      `SELECT ${FAILURES} AS failures, ${PENDING} AS pending, window_start FROM throttle WHERE key = $1`,
      [key, now, limit.windowSeconds]);
    return { reserved: false, state: rows[0] ? throttleFromRow(rows[0]) : { failures: 0, pending: 0, windowStart: now } };
  }

  async fail(key: string): Promise<void> {
    await this.pool.query('UPDATE throttle SET pending = GREATEST(pending - 1, 0), failures = failures + 1 WHERE key = $1', [key]);
  }

  async release(key: string, forgive: boolean): Promise<void> {
    await this.pool.query(
      'UPDATE throttle SET pending = GREATEST(pending - 1, 0), failures = CASE WHEN $2 THEN 0 ELSE failures END WHERE key = $1', [key, forgive]);
    // Then a counter left with nothing is deleted: whatever ran in between, only a row that holds
    // no failure and no attempt in flight matches (a new reservation inserts the row again).
    await this.pool.query('DELETE FROM throttle WHERE key = $1 AND pending = 0 AND failures = 0', [key]);
  }

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    // One statement: a failure either extends the current window or starts a new one.
    const { rows } = await this.pool.query(`
      INSERT INTO throttle (key, failures, window_start) VALUES ($1, 1, $2)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN 1 ELSE throttle.failures + 1 END,
        window_start = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN $2 ELSE throttle.window_start END
      RETURNING failures, pending, window_start`, [key, now, windowSeconds]);
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return throttleFromRow(row);
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const { rows } = await this.pool.query('SELECT failures, pending, window_start FROM throttle WHERE key = $1', [key]);
    return rows[0] && throttleFromRow(rows[0]);
  }

  async getMany(keys: readonly string[]): Promise<(ThrottleState | undefined)[]> {
    // One round trip and one pooled connection for every key (the token endpoint reads two).
    const { rows } = await this.pool.query('SELECT key, failures, pending, window_start FROM throttle WHERE key = ANY($1::text[])', [keys]);
    const byKey = new Map(rows.map((row) => [row.key as string, throttleFromRow(row)]));
    return keys.map((key) => byKey.get(key));
  }

  async reset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM throttle WHERE key = $1', [key]);
  }

  async purgeEnded(now: number, windowSeconds: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM throttle WHERE window_start <= $1 - $2::bigint AND lease_end <= $1', [now, windowSeconds]);
    return rowCount ?? 0;
  }
}
