import type pg from 'pg';
import type { KeyStore, SigningKey } from '../types.js';
import { inTransaction, placeholders, postgresValues, rows, type Queryable } from './dialect.js';

const { columns, toParams, fromRow } = rows.keys;

async function listActiveKeys(db: Queryable): Promise<SigningKey[]> {
  const { rows } = await db.query('SELECT * FROM signing_keys WHERE active ORDER BY created_at DESC, kid');
  return rows.map(fromRow);
}

async function listActiveKeysOfAlg(db: Queryable, alg: SigningKey['alg']): Promise<SigningKey[]> {
  const { rows } = await db.query('SELECT * FROM signing_keys WHERE active AND alg = $1 ORDER BY created_at DESC, kid', [alg]);
  return rows.map(fromRow);
}

async function insertKey(db: Queryable, key: SigningKey): Promise<void> {
  await db.query(`INSERT INTO signing_keys (${columns.join(', ')}) VALUES (${placeholders(columns)})`, toParams(key));
}

export class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async listActive(): Promise<SigningKey[]> {
    return listActiveKeys(this.pool);
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    return inTransaction(this.pool, async (db) => {
      // Two servers starting on a database with no key of this algorithm would both see no key under READ COMMITTED;
      // this lock mode conflicts with itself (so the second waits) but still lets readers through.
      await db.query('LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE');
      const existing = await listActiveKeysOfAlg(db, key.alg);
      if (existing.length > 0) return existing;
      await insertKey(db, key);
      return [key];
    });
  }

  async insert(key: SigningKey): Promise<void> {
    await insertKey(this.pool, key);
  }

  async insertIfNewestBefore(key: SigningKey, before: number): Promise<boolean> {
    return inTransaction(this.pool, async (db) => {
      // As insertIfNone: servers due at once take turns, and the second sees the first's key.
      await db.query('LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await db.query('SELECT MAX(created_at) AS newest FROM signing_keys WHERE active AND alg = $1', [key.alg]);
      const newest = rows[0]?.newest as string | number | null | undefined;
      if (newest !== null && newest !== undefined && Number(newest) >= before) return false;
      await insertKey(db, key);
      return true;
    });
  }

  async deactivate(kid: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE signing_keys SET active = false WHERE kid = $1 AND active', [kid]);
    return (result.rowCount ?? 0) > 0;
  }

  async replacePrivateJwk(kid: string, expected: Record<string, unknown>, replacement: Record<string, unknown>): Promise<boolean> {
    const result = await this.pool.query('UPDATE signing_keys SET private_jwk = $1 WHERE kid = $2 AND private_jwk = $3::jsonb',
      [postgresValues.json(replacement), kid, postgresValues.json(expected)]);
    return (result.rowCount ?? 0) > 0;
  }
}
