import type Database from 'better-sqlite3';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { Row } from '../rows.js';
import type { Client, ClientStore } from '../types.js';
import { placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';
import { registryVersionBump } from './registry-version.js';

const { columns, toParams, fromRow } = rows.clients;

export class SqliteClientStore implements ClientStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertTx;
  private readonly deleteTx;
  private readonly replaceSecretTx;

  constructor(db: Database.Database, private readonly changes: RegistryChangeSignal) {
    this.getStmt = db.prepare('SELECT * FROM clients WHERE client_id = ?');
    this.listStmt = db.prepare('SELECT * FROM clients ORDER BY client_id');
    // created_at is the first registration's.
    const upsertStmt = db.prepare(`
      INSERT INTO clients (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (client_id) DO UPDATE SET client_name = excluded.client_name, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types,
        response_types = excluded.response_types, scope = excluded.scope,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, resources = excluded.resources,
        skip_consent = excluded.skip_consent, application_type = excluded.application_type,
        id_token_signed_response_alg = excluded.id_token_signed_response_alg,
        post_logout_redirect_uris = excluded.post_logout_redirect_uris, backchannel_logout_uri = excluded.backchannel_logout_uri,
        backchannel_logout_session_required = excluded.backchannel_logout_session_required,
        jwks = excluded.jwks, jwks_uri = excluded.jwks_uri`);
    const replaceSecretStmt = db.prepare('UPDATE clients SET secret_hash = ? WHERE client_id = ? AND secret_hash = ?');
    const deleteStmt = db.prepare('DELETE FROM clients WHERE client_id = ?');
    // Every write moves the registry version in its own transaction, so that the caches of every
    // process learn of it (store/registry-cache.ts).
    const bump = registryVersionBump(db);
    // A client an administrator registers (again) is the administrator's: it is no longer
    // self-registered, so its registration access token ends and the idle purge leaves it alone.
    const adoptStmt = db.prepare('DELETE FROM client_registrations WHERE client_id = ?');
    this.upsertTx = db.transaction((client: Client) => {
      upsertStmt.run(...toParams(client));
      adoptStmt.run(client.clientId);
      bump.run();
    });
    this.replaceSecretTx = db.transaction((clientId: string, expected: string, replacement: string) => {
      const replaced = replaceSecretStmt.run(replacement, clientId, expected).changes > 0;
      if (replaced) bump.run();
      return replaced;
    });
    this.deleteTx = db.transaction((clientId: string, now: number) => {
      const deleted = deleteStmt.run(clientId).changes > 0;
      if (deleted) {
        endGrants(db, { clientId }, now);
        bump.run();
      }
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
    await this.changes.afterWrite(() => this.upsertTx.immediate(client));
  }

  async replaceSecretHash(clientId: string, expected: string, replacement: string): Promise<boolean> {
    return this.changes.afterWrite(() => this.replaceSecretTx.immediate(clientId, expected, replacement));
  }

  async delete(clientId: string, now: number): Promise<boolean> {
    return this.changes.afterWrite(() => this.deleteTx.immediate(clientId, now));
  }
}
