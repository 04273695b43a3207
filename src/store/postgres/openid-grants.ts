import type pg from 'pg';
import type { Row } from '../rows.js';
import type { OpenIdGrantRecord, OpenIdGrantStore, SessionMember } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.openIdGrants;

/** What ID tokens of a token family need (types.ts OpenIdGrantRecord), one row per family. */
export class PostgresOpenIdGrantStore implements OpenIdGrantStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(grant: OpenIdGrantRecord): Promise<void> {
    // A family is saved once, when its code is issued; a second save of the same family changes nothing.
    await this.pool.query(`INSERT INTO openid_grants (${columns.join(', ')}) VALUES (${placeholders(columns)}) ON CONFLICT (family_id) DO NOTHING`, toParams(grant));
  }

  async find(familyId: string): Promise<OpenIdGrantRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM openid_grants WHERE family_id = $1', [familyId]);
    return rows[0] && fromRow(rows[0]);
  }

  async extend(familyId: string, expiresAt: number): Promise<void> {
    // One statement, never shortening: concurrent extensions leave the latest expiry.
    await this.pool.query('UPDATE openid_grants SET expires_at = GREATEST(expires_at, $1) WHERE family_id = $2', [expiresAt, familyId]);
  }

  async purgeExpired(before: number): Promise<number> {
    const grants = (await this.pool.query('DELETE FROM openid_grants WHERE expires_at < $1', [before])).rowCount ?? 0;
    return grants + ((await this.pool.query('DELETE FROM session_clients WHERE expires_at < $1', [before])).rowCount ?? 0);
  }

  async joinSession(member: SessionMember): Promise<void> {
    // One row per (session, client): signed-in users only, so anonymous callers cannot add any.
    await this.pool.query(`INSERT INTO session_clients (sid, client_id, user_id, expires_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = GREATEST(session_clients.expires_at, excluded.expires_at)`,
    [member.sid, member.clientId, member.userId, member.expiresAt]);
  }

  async leaveSession(sid: string): Promise<SessionMember[]> {
    // DELETE ... RETURNING: each client is returned to the one caller whose statement deleted it.
    const { rows } = await this.pool.query('DELETE FROM session_clients WHERE sid = $1 RETURNING sid, client_id, user_id, expires_at', [sid]);
    return (rows as Row[]).map((row) => ({ sid: row.sid as string, clientId: row.client_id as string, userId: row.user_id as string, expiresAt: Number(row.expires_at) }));
  }
}
