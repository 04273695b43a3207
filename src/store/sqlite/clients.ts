import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { Client, ClientStore } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';

const { columns, toParams, fromRow } = rows.clients;

export class SqliteClientStore implements ClientStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteTx;
  private readonly replaceSecretStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM clients WHERE client_id = ?');
    this.listStmt = db.prepare('SELECT * FROM clients ORDER BY client_id');
    // created_at is the first registration's.
    this.upsertStmt = db.prepare(`
      INSERT INTO clients (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (client_id) DO UPDATE SET client_name = excluded.client_name, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types,
        response_types = excluded.response_types, scope = excluded.scope,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, resources = excluded.resources,
        skip_consent = excluded.skip_consent, application_type = excluded.application_type,
        id_token_signed_response_alg = excluded.id_token_signed_response_alg,
        post_logout_redirect_uris = excluded.post_logout_redirect_uris, backchannel_logout_uri = excluded.backchannel_logout_uri,
        backchannel_logout_session_required = excluded.backchannel_logout_session_required`);
    this.replaceSecretStmt = db.prepare('UPDATE clients SET secret_hash = ? WHERE client_id = ? AND secret_hash = ?');
    const deleteStmt = db.prepare('DELETE FROM clients WHERE client_id = ?');
    this.deleteTx = db.transaction((clientId: string, now: number) => {
      const deleted = deleteStmt.run(clientId).changes > 0;
      if (deleted) endGrants(db, { clientId }, now);
      return deleted;
    });
  }

  async get(clientId: string): Promise<Client | undefined> {
    const row = this.getStmt.get(clientId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<Client[]> {
    return (this.listStmt.all() as Row[]).map(fromRow);
  }

  async upsert(client: Client): Promise<void> {
    this.upsertStmt.run(...toParams(client));
  }

  async replaceSecretHash(clientId: string, expected: string, replacement: string): Promise<boolean> {
    return this.replaceSecretStmt.run(replacement, clientId, expected).changes > 0;
  }

  async delete(clientId: string, now: number): Promise<boolean> {
    return this.deleteTx.immediate(clientId, now);
  }
}
