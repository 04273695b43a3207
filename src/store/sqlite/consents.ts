import type Database from 'better-sqlite3';
import type { ConsentStore } from '../types.js';
import { sqliteValues } from './dialect.js';

export class SqliteConsentStore implements ConsentStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly grantTx;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT scope FROM consents WHERE user_id = ? AND client_id = ?');
    this.upsertStmt = db.prepare(`
      INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at`);
    this.deleteStmt = db.prepare('DELETE FROM consents WHERE user_id = ? AND client_id = ?');
    this.grantTx = db.transaction((userId: string, clientId: string, scopes: string[], now: number) => {
      const merged = new Set([...this.read(userId, clientId), ...scopes]);
      this.upsertStmt.run(userId, clientId, sqliteValues.words([...merged]), now);
    });
  }

  private read(userId: string, clientId: string): string[] {
    const row = this.getStmt.get(userId, clientId) as { scope: string } | undefined;
    return row ? sqliteValues.readWords(row.scope) : [];
  }

  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    return this.read(userId, clientId);
  }

  async grant(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    // IMMEDIATE: the read and the merged write of concurrent grants (other processes too) take turns.
    this.grantTx.immediate(userId, clientId, scopes, now);
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    return this.deleteStmt.run(userId, clientId).changes > 0;
  }
}
