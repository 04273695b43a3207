import type pg from 'pg';
import type { RegistryChangeSignal } from '../registry-change-signal.js';
import { initialTokenFromRow, registrationFromRow } from '../rows.js';
import type { Client, ClientRegistration, ClientRegistrationStore, InitialAccessToken, RegisterOutcome } from '../types.js';
import { inTransaction, placeholders, rows } from './dialect.js';
import { endGrants } from './grant-cleanup.js';
import { bumpRegistryVersion } from './registry-version.js';

const { columns, toParams } = rows.clients;

const INSERT_CLIENT = `INSERT INTO clients (${columns.join(', ')}) VALUES (${placeholders(columns)})`;

export class PostgresClientRegistrationStore implements ClientRegistrationStore {
  constructor(private readonly pool: pg.Pool, private readonly changes: RegistryChangeSignal) {}

  async register(client: Client, tokenHash: string, now: number, maxClients: number): Promise<RegisterOutcome> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      // READ COMMITTED would let two instances count the same rows and both insert past the cap:
      // registrations take turns (they are rare; reads and touches are not blocked by this mode).
      await db.query('LOCK TABLE client_registrations IN SHARE ROW EXCLUSIVE MODE');
      const { rows: counted } = await db.query('SELECT count(*)::int AS n FROM client_registrations');
      if (Number(counted[0]?.n) >= maxClients) return 'full';
      const inserted = await db.query(`${INSERT_CLIENT} ON CONFLICT (client_id) DO NOTHING`, toParams(client));
      if ((inserted.rowCount ?? 0) === 0) return 'taken';
      await db.query('INSERT INTO client_registrations (client_id, token_hash, registered_at, last_used_day) VALUES ($1, $2, $3, $4)',
        [client.clientId, tokenHash, now, Math.floor(now / 86_400)]);
      await bumpRegistryVersion(db);
      return 'registered';
    }));
  }

  async find(clientId: string): Promise<ClientRegistration | undefined> {
    const { rows: found } = await this.pool.query('SELECT * FROM client_registrations WHERE client_id = $1', [clientId]);
    return found[0] ? registrationFromRow(found[0]) : undefined;
  }

  async list(): Promise<ClientRegistration[]> {
    const { rows: found } = await this.pool.query('SELECT * FROM client_registrations ORDER BY client_id');
    return found.map(registrationFromRow);
  }

  async count(): Promise<number> {
    const { rows: counted } = await this.pool.query('SELECT count(*)::int AS n FROM client_registrations');
    return Number(counted[0]?.n);
  }

  async update(client: Client, expectedTokenHash: string, newTokenHash: string): Promise<boolean> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      // The row lock taken here makes a concurrent update with the same token wait, then match nothing.
      const rotated = await db.query('UPDATE client_registrations SET token_hash = $1 WHERE client_id = $2 AND token_hash = $3',
        [newTokenHash, client.clientId, expectedTokenHash]);
      if ((rotated.rowCount ?? 0) === 0) return false;
      await db.query('DELETE FROM clients WHERE client_id = $1', [client.clientId]);
      await db.query(INSERT_CLIENT, toParams(client));
      await bumpRegistryVersion(db);
      return true;
    }));
  }

  async touch(clientId: string, day: number): Promise<void> {
    await this.pool.query('UPDATE client_registrations SET last_used_day = $1 WHERE client_id = $2 AND last_used_day < $1', [day, clientId]);
  }

  async purgeIdle(beforeDay: number, now: number): Promise<number> {
    return this.changes.afterWrite(() => inTransaction(this.pool, async (db) => {
      // DELETE ... RETURNING: with two instances purging at once, each client is ended by one of them.
      const { rows: idle } = await db.query('DELETE FROM client_registrations WHERE last_used_day < $1 RETURNING client_id', [beforeDay]);
      for (const row of idle) {
        const clientId = String(row.client_id);
        await db.query('DELETE FROM clients WHERE client_id = $1', [clientId]);
        await endGrants(db, { clientId }, now);
      }
      if (idle.length > 0) await bumpRegistryVersion(db);
      return idle.length;
    }));
  }

  async createInitialToken(token: InitialAccessToken): Promise<void> {
    await this.pool.query('INSERT INTO initial_access_tokens (id, token_hash, created_at, expires_at, max_uses, uses) VALUES ($1, $2, $3, $4, $5, $6)',
      [token.id, token.tokenHash, token.createdAt, token.expiresAt, token.maxUses, token.uses]);
  }

  async useInitialToken(tokenHash: string, now: number): Promise<boolean> {
    // One statement: the expiry and use count are checked and the use counted under the row lock.
    const used = await this.pool.query(`UPDATE initial_access_tokens SET uses = uses + 1
      WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)`, [tokenHash, now]);
    return (used.rowCount ?? 0) > 0;
  }

  async listInitialTokens(): Promise<InitialAccessToken[]> {
    const { rows: found } = await this.pool.query('SELECT * FROM initial_access_tokens ORDER BY created_at, id');
    return found.map(initialTokenFromRow);
  }

  async revokeInitialToken(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM initial_access_tokens WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
