import type pg from 'pg';
import type { OpenIdGrantRecord, OpenIdGrantStore } from '../types.js';
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
    return (await this.pool.query('DELETE FROM openid_grants WHERE expires_at < $1', [before])).rowCount ?? 0;
  }
}
