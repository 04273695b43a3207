import type pg from 'pg';
import type { ConsentStore } from '../types.js';
import { postgresValues } from './dialect.js';

export class PostgresConsentStore implements ConsentStore {
  constructor(private readonly pool: pg.Pool) {}

  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT scope FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
    return rows[0] ? postgresValues.readWords(rows[0].scope) : [];
  }

  async grant(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    // ON CONFLICT DO UPDATE merges into the latest committed row, so concurrent grants lose nothing.
    await this.pool.query(`
      INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (user_id, client_id) DO UPDATE SET
        scope = consents.scope || ARRAY(SELECT s FROM unnest(excluded.scope) AS s WHERE s <> ALL (consents.scope)),
        granted_at = excluded.granted_at`,
    [userId, clientId, postgresValues.words([...new Set(scopes)]), now]);
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
    return (result.rowCount ?? 0) > 0;
  }
}
