import type Database from 'better-sqlite3';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { RegistryVersionStore } from '../types.js';

/** The statement that moves the counter: run inside the transaction of the write it announces. */
export function registryVersionBump(db: Database.Database): Database.Statement {
  return db.prepare('UPDATE registry_changes SET version = version + 1 WHERE id = 1');
}

export class SqliteRegistryVersionStore implements RegistryVersionStore {
  private readonly currentStmt;

  constructor(db: Database.Database, private readonly signal: RegistryChangeSignal) {
    this.currentStmt = db.prepare('SELECT version FROM registry_changes WHERE id = 1').pluck();
  }

  async current(): Promise<number> {
    return Number(this.currentStmt.get() ?? 0);
  }

  onLocalChange(listener: () => void): () => void {
    return this.signal.subscribe(listener);
  }
}
