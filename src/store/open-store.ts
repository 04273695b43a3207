import type { DatabaseConfig } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/**
 * Opens the configured backend and applies its migrations. `timeoutMs` bounds PostgreSQL's
 * connecting and statements (default 5 s); SQLite waits at most its busy timeout (5 s).
 */
export async function openStore(db: DatabaseConfig, options: { timeoutMs?: number } = {}): Promise<Store> {
  if (db.kind === 'sqlite') return new SqliteStore(db.path);
  const { PostgresStore } = await import('./postgres/postgres-store.js');
  return PostgresStore.connect(db.url, options);
}
