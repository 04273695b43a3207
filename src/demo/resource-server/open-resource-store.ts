import type { DatabaseConfig } from '../../config.js';
import type { DemoResourceStore } from './resource-store.js';
import { SqliteDemoResourceStore } from './sqlite-resource-store.js';

/** The demo's resources live in the database the authorization server was given. */
export async function openDemoResourceStore(db: DatabaseConfig): Promise<DemoResourceStore> {
  if (db.kind === 'sqlite') return new SqliteDemoResourceStore(db.path);
  const { PostgresDemoResourceStore } = await import('./postgres-resource-store.js');
  return PostgresDemoResourceStore.connect(db.url);
}
