import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { KeyStore, SigningKey } from '../types.js';
import { placeholders, rows, sqliteValues } from './dialect.js';

const { columns, toParams, fromRow } = rows.keys;

export class SqliteKeyStore implements KeyStore {
  private readonly listStmt;
  private readonly insertStmt;
  private readonly deactivateStmt;
  private readonly insertIfNoneTx;
  private readonly insertIfNewestBeforeTx;
  private readonly replaceStmt;

  constructor(db: Database.Database) {
    this.listStmt = db.prepare('SELECT * FROM signing_keys WHERE active = 1 ORDER BY created_at DESC, kid');
    this.insertStmt = db.prepare(`INSERT INTO signing_keys (${columns.join(', ')}) VALUES (${placeholders(columns)})`);
    this.deactivateStmt = db.prepare('UPDATE signing_keys SET active = 0 WHERE kid = ? AND active = 1');
    this.replaceStmt = db.prepare('UPDATE signing_keys SET private_jwk = ? WHERE kid = ? AND private_jwk = ?');
    const listOfAlgStmt = db.prepare('SELECT * FROM signing_keys WHERE active = 1 AND alg = ? ORDER BY created_at DESC, kid');
    this.insertIfNoneTx = db.transaction((key: SigningKey) => {
      const existing = listOfAlgStmt.all(key.alg) as Row[];
      if (existing.length > 0) return existing.map(fromRow);
      this.insertStmt.run(...toParams(key));
      return [key];
    });
    const newestStmt = db.prepare('SELECT MAX(created_at) AS newest FROM signing_keys WHERE active = 1 AND alg = ?');
    this.insertIfNewestBeforeTx = db.transaction((key: SigningKey, before: number) => {
      const { newest } = newestStmt.get(key.alg) as { newest: number | null };
      if (newest !== null && newest >= before) return false;
      this.insertStmt.run(...toParams(key));
      return true;
    });
  }

  async listActive(): Promise<SigningKey[]> {
    return (this.listStmt.all() as Row[]).map(fromRow);
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    // IMMEDIATE: two processes starting on a database with no key of this algorithm insert one between them.
    return this.insertIfNoneTx.immediate(key);
  }

  async insert(key: SigningKey): Promise<void> {
    this.insertStmt.run(...toParams(key));
  }

  async insertIfNewestBefore(key: SigningKey, before: number): Promise<boolean> {
    // IMMEDIATE: of several processes due at once, one inserts.
    return this.insertIfNewestBeforeTx.immediate(key, before);
  }

  async deactivate(kid: string): Promise<boolean> {
    return this.deactivateStmt.run(kid).changes > 0;
  }

  async replacePrivateJwk(kid: string, expected: Record<string, unknown>, replacement: Record<string, unknown>): Promise<boolean> {
    return this.replaceStmt.run(sqliteValues.json(replacement), kid, sqliteValues.json(expected)).changes > 0;
  }
}
