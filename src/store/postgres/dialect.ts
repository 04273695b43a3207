import type pg from 'pg';
import { rowCodecs, type ValueEncoding } from '../rows.js';
import { isDatabaseUnavailable } from '../unavailable.js';

/**
 * How the PostgreSQL schema stores lists (TEXT[]), booleans (BOOLEAN) and JWKs (JSONB). Times
 * are BIGINT, read back as JS numbers through the type parser set in postgres-store.ts.
 */
export const postgresValues: ValueEncoding = {
  list: (value) => value,
  readList: (stored) => stored as string[],
  words: (value) => value,
  readWords: (stored) => stored as string[],
  boolean: (value) => value,
  readBoolean: (stored) => stored as boolean,
  // A string: pg would send a JS array as a PostgreSQL array, not as JSON.
  json: (value) => JSON.stringify(value),
  readJson: (stored) => stored as Record<string, unknown>,
};

export const rows = rowCodecs(postgresValues);

/** `$1, $2, ...` for the columns of an INSERT; `first` numbers the first one (for multi-row VALUES). */
export function placeholders(columns: readonly string[], first = 1): string {
  return columns.map((_, i) => `$${first + i}`).join(', ');
}

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Runs `work` in one transaction on one pooled connection (READ COMMITTED, the default). */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that failed or timed out is dropped at once: a ROLLBACK on it would only wait
    // out another timeout (the server rolls back the transaction when the connection closes).
    if (isDatabaseUnavailable(error)) {
      client.release(error as Error);
      throw error;
    }
    // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
    await client.query('ROLLBACK').then(() => client.release(), (rollbackError: Error) => client.release(rollbackError));
    throw error;
  }
}
