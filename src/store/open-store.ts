import type { DatabaseConfig } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** Opens the configured backend and applies its migrations. */
export async function openStore(db: DatabaseConfig): Promise<Store> {
  if (db.kind === 'sqlite') return new SqliteStore(db.path);
  const { PostgresStore } = await import('./postgres/postgres-store.js');
  return PostgresStore.connect(db.url);
}
