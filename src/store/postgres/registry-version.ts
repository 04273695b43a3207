import type pg from 'pg';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { RegistryVersionStore } from '../types.js';

/** Moves the counter; run on the connection of the transaction whose write it announces. */
export async function bumpRegistryVersion(db: pg.PoolClient): Promise<void> {
  await db.query('UPDATE registry_changes SET version = version + 1 WHERE id = 1');
}

export class PostgresRegistryVersionStore implements RegistryVersionStore {
  constructor(private readonly pool: pg.Pool, private readonly signal: RegistryChangeSignal) {}

  async current(): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>('SELECT version FROM registry_changes WHERE id = 1');
    return Number(rows[0]?.version ?? 0);
  }

  onLocalChange(listener: () => void): () => void {
    return this.signal.subscribe(listener);
  }
}
