import type Database from 'better-sqlite3';
import type { ConsentRecord, ConsentStore, ConsentWithdrawal } from '../types.js';
import { sqliteValues } from './dialect.js';
import { endGrants } from './grant-cleanup.js';

interface ConsentRow { user_id: string; client_id: string; audience: string; scope: string; claims: string; granted_at: number }

const fromRow = (row: ConsentRow): ConsentRecord => ({
  userId: row.user_id, clientId: row.client_id, audience: row.audience, scopes: sqliteValues.readWords(row.scope),
  claims: sqliteValues.readWords(row.claims), grantedAt: row.granted_at,
});

export class SqliteConsentStore implements ConsentStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly existsStmt;
  private readonly grantTx;
  private readonly withdrawTx;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM consents WHERE user_id = ? AND client_id = ? AND audience = ?');
    this.listStmt = db.prepare('SELECT * FROM consents WHERE user_id = ? ORDER BY client_id, audience');
    this.upsertStmt = db.prepare(`
      INSERT INTO consents (user_id, client_id, audience, scope, claims, granted_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_id, client_id, audience) DO UPDATE SET scope = excluded.scope, claims = excluded.claims, granted_at = excluded.granted_at`);
    this.existsStmt = db.prepare('SELECT 1 FROM consents WHERE user_id = ? AND client_id = ? LIMIT 1');
    this.grantTx = db.transaction((userId: string, clientId: string, audience: string, scopes: string[], now: number, claims: string[]) => {
      const previous = this.getStmt.get(userId, clientId, audience) as ConsentRow | undefined;
      const merged = new Set([...(previous ? sqliteValues.readWords(previous.scope) : []), ...scopes]);
      const mergedClaims = new Set([...(previous ? sqliteValues.readWords(previous.claims) : []), ...claims]);
      this.upsertStmt.run(userId, clientId, audience, sqliteValues.words([...merged]), sqliteValues.words([...mergedClaims]), now);
    });
    this.withdrawTx = db.transaction((userId: string, clientId: string, now: number) => {
      const withdrawn = this.existsStmt.get(userId, clientId) !== undefined;
      return { withdrawn, sessionMembers: endGrants(db, { userId, clientId }, now) };
    });
  }

  async find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | undefined> {
    const row = this.getStmt.get(userId, clientId, audience) as ConsentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async listForUser(userId: string): Promise<ConsentRecord[]> {
    return (this.listStmt.all(userId) as ConsentRow[]).map(fromRow);
  }

  async grant(userId: string, clientId: string, audience: string, scopes: string[], now: number, claims: string[] = []): Promise<void> {
    // IMMEDIATE: the read and the merged write of concurrent grants (other processes too) take turns.
    this.grantTx.immediate(userId, clientId, audience, scopes, now, claims);
  }

  async withdraw(userId: string, clientId: string, now: number): Promise<ConsentWithdrawal> {
    return this.withdrawTx.immediate(userId, clientId, now);
  }
}
