import type pg from 'pg';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import type { Client, ClientStore } from '../types.js';
import { inTransaction, placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';
import { bumpRegistryVersion } from './registry-version.js';

const { columns, toParams, fromRow } = rows.clients;

export class PostgresClientStore implements ClientStore {
  constructor(private readonly pool: pg.Pool, private readonly changes: RegistryChangeSignal) {}

  async get(clientId: string): Promise<Client | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM clients WHERE client_id = $1', [clientId]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(): Promise<Client[]> {
    const { rows } = await this.pool.query('SELECT * FROM clients ORDER BY client_id');
    return rows.map(fromRow);
  }

  // Every write moves the registry version in its own transaction, so that the caches of every
  // process learn of it (store/registry-cache.ts).
  async upsert(client: Client): Promise<void> {
    // created_at is the first registration's.
    await this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      await db.query(`
      INSERT INTO clients (${columns.join(', ')}) VALUES (${placeholders(columns)})
      ON CONFLICT (client_id) DO UPDATE SET client_name = excluded.client_name, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types,
        response_types = excluded.response_types, scope = excluded.scope,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, resources = excluded.resources,
        skip_consent = excluded.skip_consent, application_type = excluded.application_type,
        id_token_signed_response_alg = excluded.id_token_signed_response_alg,
        post_logout_redirect_uris = excluded.post_logout_redirect_uris, backchannel_logout_uri = excluded.backchannel_logout_uri,
        backchannel_logout_session_required = excluded.backchannel_logout_session_required,
        jwks = excluded.jwks, jwks_uri = excluded.jwks_uri`, toParams(client));
      // A client an administrator registers (again) is no longer self-registered (sqlite/clients.ts).
      await db.query('DELETE FROM client_registrations WHERE client_id = $1', [client.clientId]);
      await bumpRegistryVersion(db);
    }));
  }

  async replaceSecretHash(clientId: string, expected: string, replacement: string): Promise<boolean> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      const result = await db.query('UPDATE clients SET secret_hash = $1 WHERE client_id = $2 AND secret_hash = $3', [replacement, clientId, expected]);
      const replaced = (result.rowCount ?? 0) > 0;
      if (replaced) await bumpRegistryVersion(db);
      return replaced;
    }));
  }

  async delete(clientId: string, now: number): Promise<boolean> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      const deleted = ((await db.query('DELETE FROM clients WHERE client_id = $1', [clientId])).rowCount ?? 0) > 0;
      if (deleted) {
        await endGrants(db, { clientId }, now);
        await bumpRegistryVersion(db);
      }
      return deleted;
    }));
  }
}
