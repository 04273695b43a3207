import type Database from 'better-sqlite3';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import { initialTokenFromRow, registrationFromRow, type Row } from '../rows.js';
import type { Client, ClientRegistration, ClientRegistrationStore, InitialAccessToken, RegisterOutcome } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';
import { registryVersionBump } from './registry-version.js';

const { columns, toParams } = rows.clients;

export class SqliteClientRegistrationStore implements ClientRegistrationStore {
  private readonly findStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly touchStmt;
  private readonly registerTx;
  private readonly updateTx;
  private readonly purgeTx;
  private readonly createTokenStmt;
  private readonly useTokenStmt;
  private readonly listTokensStmt;
  private readonly revokeTokenStmt;

  constructor(db: Database.Database, private readonly changes: RegistryChangeSignal) {
    this.findStmt = db.prepare('SELECT * FROM client_registrations WHERE client_id = ?');
    this.listStmt = db.prepare('SELECT * FROM client_registrations ORDER BY client_id');
    this.countStmt = db.prepare('SELECT count(*) FROM client_registrations').pluck();
    this.touchStmt = db.prepare('UPDATE client_registrations SET last_used_day = ? WHERE client_id = ? AND last_used_day < ?');
    const existsStmt = db.prepare('SELECT 1 FROM clients WHERE client_id = ?').pluck();
    const insertClientStmt = db.prepare(`INSERT INTO clients (${columns.join(', ')}) VALUES (${placeholders(columns)})`);
    const deleteClientStmt = db.prepare('DELETE FROM clients WHERE client_id = ?');
    const insertRegistrationStmt = db.prepare('INSERT INTO client_registrations (client_id, token_hash, registered_at, last_used_day) VALUES (?, ?, ?, ?)');
    const rotateStmt = db.prepare('UPDATE client_registrations SET token_hash = ? WHERE client_id = ? AND token_hash = ?');
    const idleStmt = db.prepare('SELECT client_id FROM client_registrations WHERE last_used_day < ?').pluck();
    const bump = registryVersionBump(db);
    // IMMEDIATE transactions (below): the count and the insert see the same table, so concurrent
    // registrations from several workers never pass the cap.
    this.registerTx = db.transaction((client: Client, tokenHash: string, now: number, maxClients: number): RegisterOutcome => {
      if (Number(this.countStmt.get()) >= maxClients) return 'full';
      if (existsStmt.get(client.clientId) !== undefined) return 'taken';
      insertClientStmt.run(...toParams(client));
      insertRegistrationStmt.run(client.clientId, tokenHash, now, Math.floor(now / 86_400));
      bump.run();
      return 'registered';
    });
    this.updateTx = db.transaction((client: Client, expected: string, replacement: string): boolean => {
      if (rotateStmt.run(replacement, client.clientId, expected).changes === 0) return false;
      deleteClientStmt.run(client.clientId);
      insertClientStmt.run(...toParams(client));
      bump.run();
      return true;
    });
    this.purgeTx = db.transaction((beforeDay: number, now: number): number => {
      const idle = idleStmt.all(beforeDay) as string[];
      for (const clientId of idle) {
        deleteClientStmt.run(clientId);
        // Also deletes the registration row (grant-cleanup.ts).
        endGrants(db, { clientId }, now);
      }
      if (idle.length > 0) bump.run();
      return idle.length;
    });
    this.createTokenStmt = db.prepare('INSERT INTO initial_access_tokens (id, token_hash, created_at, expires_at, max_uses, uses) VALUES (?, ?, ?, ?, ?, ?)');
    // One statement: the expiry and use count are checked and the use counted at once.
    this.useTokenStmt = db.prepare(`UPDATE initial_access_tokens SET uses = uses + 1
      WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses < max_uses)`);
    this.listTokensStmt = db.prepare('SELECT * FROM initial_access_tokens ORDER BY created_at, id');
    this.revokeTokenStmt = db.prepare('DELETE FROM initial_access_tokens WHERE id = ?');
  }

  async register(client: Client, tokenHash: string, now: number, maxClients: number): Promise<RegisterOutcome> {
    return this.changes.afterWrite(() => this.registerTx.immediate(client, tokenHash, now, maxClients));
  }

  async find(clientId: string): Promise<ClientRegistration | undefined> {
    const row = this.findStmt.get(clientId) as Row | undefined;
    return row ? registrationFromRow(row) : undefined;
  }

  async list(): Promise<ClientRegistration[]> {
    return (this.listStmt.all() as Row[]).map(registrationFromRow);
  }

  async count(): Promise<number> {
    return Number(this.countStmt.get());
  }

  async update(client: Client, expectedTokenHash: string, newTokenHash: string): Promise<boolean> {
    return this.changes.afterWrite(() => this.updateTx.immediate(client, expectedTokenHash, newTokenHash));
  }

  async touch(clientId: string, day: number): Promise<void> {
    this.touchStmt.run(day, clientId, day);
  }

  async purgeIdle(beforeDay: number, now: number): Promise<number> {
    return this.changes.afterWrite(() => this.purgeTx.immediate(beforeDay, now));
  }

  async createInitialToken(token: InitialAccessToken): Promise<void> {
    this.createTokenStmt.run(token.id, token.tokenHash, token.createdAt, token.expiresAt, token.maxUses, token.uses);
  }

  async useInitialToken(tokenHash: string, now: number): Promise<boolean> {
    return this.useTokenStmt.run(tokenHash, now).changes > 0;
  }

  async listInitialTokens(): Promise<InitialAccessToken[]> {
    return (this.listTokensStmt.all() as Row[]).map(initialTokenFromRow);
  }

  async revokeInitialToken(id: string): Promise<boolean> {
    return this.revokeTokenStmt.run(id).changes > 0;
  }
}
