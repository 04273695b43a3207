import type pg from 'pg';
import type { ConsentRecord, ConsentStore, ConsentWithdrawal } from '../types.js';
import { inTransaction, postgresValues } from './dialect.js';
import { endGrants } from './grant-cleanup.js';

type ConsentRow = { user_id: string; client_id: string; audience: string; scope: unknown; claims: unknown; granted_at: string | number };

const fromRow = (row: ConsentRow): ConsentRecord => ({
  userId: row.user_id, clientId: row.client_id, audience: row.audience, scopes: postgresValues.readWords(row.scope),
  claims: postgresValues.readWords(row.claims), grantedAt: Number(row.granted_at),
});

export class PostgresConsentStore implements ConsentStore {
  constructor(private readonly pool: pg.Pool) {}

  async find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM consents WHERE user_id = $1 AND client_id = $2 AND audience = $3', [userId, clientId, audience]);
    return rows[0] ? fromRow(rows[0] as ConsentRow) : undefined;
  }

  async listForUser(userId: string): Promise<ConsentRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM consents WHERE user_id = $1 ORDER BY client_id, audience', [userId]);
    return (rows as ConsentRow[]).map(fromRow);
  }

  async grant(userId: string, clientId: string, audience: string, scopes: string[], now: number, claims: string[] = []): Promise<void> {
    // ON CONFLICT DO UPDATE merges into the latest committed row, so concurrent grants lose nothing.
    await this.pool.query(`
      INSERT INTO consents (user_id, client_id, audience, scope, claims, granted_at) VALUES ($1, $2, $3, $4, $6, $5)
      ON CONFLICT (user_id, client_id, audience) DO UPDATE SET
        scope = consents.scope || ARRAY(SELECT s FROM unnest(excluded.scope) AS s WHERE s <> ALL (consents.scope)),
        claims = consents.claims || ARRAY(SELECT c FROM unnest(excluded.claims) AS c WHERE c <> ALL (consents.claims)),
        granted_at = excluded.granted_at`,
    [userId, clientId, audience, postgresValues.words([...new Set(scopes)]), now, postgresValues.words([...new Set(claims)])]);
  }

  async withdraw(userId: string, clientId: string, now: number): Promise<ConsentWithdrawal> {
    return inTransaction(this.pool, async (db) => {
      const { rowCount } = await db.query('SELECT 1 FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
      const sessionMembers = await endGrants(db, { userId, clientId }, now);
      return { withdrawn: (rowCount ?? 0) > 0, sessionMembers };
    });
  }
}
