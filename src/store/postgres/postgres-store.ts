import pg from 'pg';
import type {
  Client, ClientStore, CodeRecord, CodeStore, ConsentStore, ConsumeResult, KeyStore, RotateResult, SessionRecord,
  SessionStore, SigningKey, Store, ThrottleState, ThrottleStore, TokenRecord, TokenStore, User, UserStore,
} from '../types.js';
import { postgresMigrations } from './migrations.js';

/** Anything that runs a query: the pool, or one client inside a transaction. */
type Queryable = Pick<pg.Pool, 'query'>;

type ClientRow = {
  client_id: string; client_name: string; secret_hash: string | null; redirect_uris: string[]; grant_types: string[];
  response_types: string[]; scope: string[]; token_endpoint_auth_method: Client['tokenEndpointAuthMethod'];
  resources: string[]; skip_consent: boolean; created_at: number;
};
type UserRow = { id: string; username: string; password_hash: string; created_at: number };
type TokenRow = {
  hash: string; kind: TokenRecord['kind']; jti: string; client_id: string; subject: string; user_id: string | null;
  scope: string[]; audience: string; issued_at: number; expires_at: number; family_id: string;
  revoked_at: number | null; rotated_at: number | null;
};
type KeyRow = {
  kid: string; alg: SigningKey['alg']; private_jwk: Record<string, unknown>; public_jwk: Record<string, unknown>;
  created_at: number; active: boolean;
};
type CodeRow = {
  hash: string; client_id: string; user_id: string; redirect_uri: string | null; scope: string[]; audience: string;
  code_challenge: string | null; family_id: string; expires_at: number; consumed_at: number | null;
};
type ThrottleRow = { failures: number; window_start: number };
type SessionRow = {
  hash: string; user_id: string | null; csrf_token: string; auth_time: number | null; created_at: number; expires_at: number;
};

/** Any constant works; it only has to be the same in every process that migrates this database. */
const MIGRATION_LOCK = 0x74657373;

// pg returns BIGINT as a string because it may exceed 2^53; our BIGINTs are times and counts.
function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} does not fit a JS number`);
  return value;
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
    await client.query('ROLLBACK').then(() => client.release(), (rollbackError: Error) => client.release(rollbackError));
    throw error;
  }
}

async function applyMigrations(pool: pg.Pool): Promise<void> {
  // The lock serializes processes starting at once; the loser waits, then sees the versions applied.
  await inTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of postgresMigrations) {
      if (applied.has(migration.version)) continue;
      await db.query(migration.sql);
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, Math.floor(Date.now() / 1000)]);
    }
  });
}

function clientFromRow(row: ClientRow): Client {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    secretHash: row.secret_hash,
    redirectUris: row.redirect_uris,
    grantTypes: row.grant_types,
    responseTypes: row.response_types,
    scope: row.scope,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    resources: row.resources,
    skipConsent: row.skip_consent,
    createdAt: row.created_at,
  };
}

function userFromRow(row: UserRow): User {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at };
}

function tokenFromRow(row: TokenRow): TokenRecord {
  return {
    hash: row.hash,
    kind: row.kind,
    jti: row.jti,
    clientId: row.client_id,
    subject: row.subject,
    userId: row.user_id,
    scope: row.scope,
    audience: row.audience,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    familyId: row.family_id,
    revokedAt: row.revoked_at,
    rotatedAt: row.rotated_at,
  };
}

function keyFromRow(row: KeyRow): SigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    active: row.active,
  };
}

const TOKEN_COLUMNS = 13;

/** One multi-row INSERT, so a batch is saved whole or not at all. */
async function insertTokens(db: Queryable, records: TokenRecord[]): Promise<void> {
  if (records.length === 0) return;
  const values: unknown[] = [];
  const tuples = records.map((t, i) => {
    values.push(t.hash, t.kind, t.jti, t.clientId, t.subject, t.userId, t.scope, t.audience,
      t.issuedAt, t.expiresAt, t.familyId, t.revokedAt, t.rotatedAt);
    const base = i * TOKEN_COLUMNS;
    return `(${Array.from({ length: TOKEN_COLUMNS }, (_, j) => `$${base + j + 1}`).join(', ')})`;
  });
  await db.query(`
    INSERT INTO tokens (hash, kind, jti, client_id, subject, user_id, scope, audience, issued_at, expires_at,
      family_id, revoked_at, rotated_at) VALUES ${tuples.join(', ')}`, values);
}

export class PostgresStore implements Store {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly codes: CodeStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly sessions: SessionStore;

  private constructor(private readonly pool: pg.Pool) {
    this.clients = new PostgresClientStore(pool);
    this.users = new PostgresUserStore(pool);
    this.tokens = new PostgresTokenStore(pool);
    this.keys = new PostgresKeyStore(pool);
    this.codes = new PostgresCodeStore(pool);
    this.consents = new PostgresConsentStore(pool);
    this.throttle = new PostgresThrottleStore(pool);
    this.sessions = new PostgresSessionStore(pool);
  }

  /**
   * Connects and applies pending migrations. `url` is a libpq-style URL; tables live in the first
   * schema of its search_path, which can be chosen with `?options=-c%20search_path%3Dname`.
   */
  static async connect(url: string): Promise<PostgresStore> {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, parseBigint);
    const pool = new pg.Pool({ connectionString: url, types });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, that would
    // crash the process. The pool has already discarded it and the next query opens a new one.
    pool.on('error', () => {});
    try {
      await applyMigrations(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PostgresClientStore implements ClientStore {
  constructor(private readonly db: pg.Pool) {}

  async get(clientId: string): Promise<Client | undefined> {
    const { rows } = await this.db.query<ClientRow>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
    return rows[0] && clientFromRow(rows[0]);
  }

  async list(): Promise<Client[]> {
    const { rows } = await this.db.query<ClientRow>('SELECT * FROM clients ORDER BY client_id');
    return rows.map(clientFromRow);
  }

  async upsert(c: Client): Promise<void> {
    // created_at is the first registration's, as in the SQLite store.
    await this.db.query(`
      INSERT INTO clients (client_id, client_name, secret_hash, redirect_uris, grant_types, response_types, scope,
        token_endpoint_auth_method, resources, skip_consent, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
      ON CONFLICT (client_id) DO UPDATE SET client_name = excluded.client_name, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types,
        response_types = excluded.response_types, scope = excluded.scope,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, resources = excluded.resources,
        skip_consent = excluded.skip_consent`,
    [c.clientId, c.clientName, c.secretHash, c.redirectUris, c.grantTypes, c.responseTypes, c.scope,
      c.tokenEndpointAuthMethod, c.resources, c.skipConsent, c.createdAt]);
  }

  async delete(clientId: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM clients WHERE client_id = $1', [clientId])).rowCount ?? 0) > 0;
  }
}

class PostgresUserStore implements UserStore {
  constructor(private readonly db: pg.Pool) {}

  async getByUsername(username: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] && userFromRow(rows[0]);
  }

  async getById(id: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && userFromRow(rows[0]);
  }

  async list(): Promise<User[]> {
    const { rows } = await this.db.query<UserRow>('SELECT * FROM users ORDER BY username');
    return rows.map(userFromRow);
  }

  async upsert(u: User): Promise<User> {
    const { rows } = await this.db.query<UserRow>(`
      INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash
      RETURNING *`, [u.id, u.username, u.passwordHash, u.createdAt]);
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return userFromRow(row);
  }

  async delete(username: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM users WHERE username = $1', [username])).rowCount ?? 0) > 0;
  }
}

class PostgresTokenStore implements TokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(record: TokenRecord): Promise<void> {
    await insertTokens(this.pool, [record]);
  }

  async saveAll(records: TokenRecord[]): Promise<void> {
    await insertTokens(this.pool, records);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash]);
    return rows[0] && tokenFromRow(rows[0]);
  }

  async revoke(hash: string, now: number): Promise<boolean> {
    // types.ts: true when the token exists, revoked already or not; the first revocation time stays.
    const result = await this.pool.query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE hash = $2', [now, hash]);
    return (result.rowCount ?? 0) > 0;
  }

  async revokeFamily(familyId: string, now: number): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [familyId]);
      const result = await db.query('UPDATE tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL', [now, familyId]);
      return result.rowCount ?? 0;
    });
  }

  async rotateRefreshToken(oldHash: string, clientId: string, now: number, replacements: TokenRecord[]): Promise<RotateResult> {
    return inTransaction(this.pool, async (db) => {
      // Rotations and revocations of one family take turns. Without this, a family revocation's
      // snapshot could predate the commit of a concurrent rotation and miss its new tokens.
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended(family_id, 0)) FROM tokens WHERE hash = $1', [oldHash]);
      // Only a live, unrotated, unexpired refresh token of this client matches. A concurrent caller's
      // UPDATE waits on the row lock, then re-checks the condition against the committed row and
      // matches nothing: exactly one caller retires the token.
      const retired = await db.query<TokenRow>(`
        UPDATE tokens SET rotated_at = $1
        WHERE hash = $2 AND kind = 'refresh_token' AND client_id = $3 AND rotated_at IS NULL AND revoked_at IS NULL
          AND expires_at > $1
        RETURNING *`, [now, oldHash, clientId]);
      if (retired.rows[0]) {
        await insertTokens(db, replacements);
        return { outcome: 'rotated', previous: tokenFromRow(retired.rows[0]) };
      }
      // RFC 9700 §4.14.2: a rotated refresh token presented again is a replay; revoke its family.
      // One statement: the CTE's UPDATE runs whether or not the outer SELECT reads it.
      const reused = await db.query<TokenRow>(`
        WITH reused AS (
          SELECT * FROM tokens
          WHERE hash = $1 AND kind = 'refresh_token' AND client_id = $2 AND rotated_at IS NOT NULL
        ), family AS (
          UPDATE tokens SET revoked_at = $3
          WHERE family_id IN (SELECT family_id FROM reused) AND revoked_at IS NULL
        )
        SELECT * FROM reused`, [oldHash, clientId, now]);
      return reused.rows[0] ? { outcome: 'reused', previous: tokenFromRow(reused.rows[0]) } : { outcome: 'invalid' };
    });
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM tokens WHERE expires_at < $1', [before])).rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM tokens');
    return rows[0]?.n ?? 0;
  }
}

class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async listActive(): Promise<SigningKey[]> {
    return listActiveKeys(this.pool);
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    return inTransaction(this.pool, async (db) => {
      // Two servers starting on an empty database would both see no key under READ COMMITTED;
      // this lock mode conflicts with itself (so the second waits) but still lets readers through.
      await db.query('LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE');
      const existing = await listActiveKeys(db);
      if (existing.length > 0) return existing;
      await insertKey(db, key);
      return [key];
    });
  }

  async insert(key: SigningKey): Promise<void> {
    await insertKey(this.pool, key);
  }

  async deactivate(kid: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE signing_keys SET active = false WHERE kid = $1 AND active', [kid]);
    return (result.rowCount ?? 0) > 0;
  }
}

async function listActiveKeys(db: Queryable): Promise<SigningKey[]> {
  const { rows } = await db.query<KeyRow>('SELECT * FROM signing_keys WHERE active ORDER BY created_at DESC, kid');
  return rows.map(keyFromRow);
}

async function insertKey(db: Queryable, k: SigningKey): Promise<void> {
  // JSON.stringify: pg would send a JS array as a PostgreSQL array, not as JSON.
  await db.query('INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, active) VALUES ($1, $2, $3, $4, $5, $6)',
    [k.kid, k.alg, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt, k.active]);
}

function codeFromRow(row: CodeRow): CodeRecord {
  return {
    hash: row.hash,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    audience: row.audience,
    codeChallenge: row.code_challenge,
    familyId: row.family_id,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

class PostgresCodeStore implements CodeStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(c: CodeRecord): Promise<void> {
    await this.pool.query(`
      INSERT INTO codes (hash, client_id, user_id, redirect_uri, scope, audience, code_challenge, family_id, expires_at, consumed_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [c.hash, c.clientId, c.userId, c.redirectUri, c.scope, c.audience, c.codeChallenge, c.familyId, c.expiresAt, c.consumedAt]);
  }

  async consume(hash: string, now: number): Promise<ConsumeResult> {
    // Single use is this one conditional UPDATE: a concurrent one waits on the row lock, then
    // re-checks consumed_at against the committed row and matches nothing.
    const consumed = await this.pool.query<CodeRow>(
      'UPDATE codes SET consumed_at = $1 WHERE hash = $2 AND consumed_at IS NULL AND expires_at > $1 RETURNING *', [now, hash]);
    if (consumed.rows[0]) return { outcome: 'consumed', code: codeFromRow(consumed.rows[0]) };
    // A separate statement, so it sees the winner's commit; consumed_at is never unset.
    const replayed = await this.pool.query<CodeRow>(
      'UPDATE codes SET replayed_at = COALESCE(replayed_at, $1) WHERE hash = $2 AND consumed_at IS NOT NULL RETURNING *', [now, hash]);
    return replayed.rows[0] ? { outcome: 'replayed', code: codeFromRow(replayed.rows[0]) } : { outcome: 'invalid' };
  }

  async wasReplayed(hash: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ replayed_at: number | null }>('SELECT replayed_at FROM codes WHERE hash = $1', [hash]);
    return rows[0] !== undefined && rows[0].replayed_at !== null;
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM codes WHERE expires_at < $1', [before])).rowCount ?? 0;
  }
}

class PostgresConsentStore implements ConsentStore {
  constructor(private readonly pool: pg.Pool) {}

  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ scope: string[] }>(
      'SELECT scope FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
    return rows[0]?.scope ?? [];
  }

  async grant(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    // ON CONFLICT DO UPDATE merges into the latest committed row, so concurrent grants lose nothing.
    await this.pool.query(`
      INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (user_id, client_id) DO UPDATE SET
        scope = consents.scope || ARRAY(SELECT s FROM unnest(excluded.scope) AS s WHERE s <> ALL (consents.scope)),
        granted_at = excluded.granted_at`,
    [userId, clientId, [...new Set(scopes)], now]);
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM consents WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
    return (result.rowCount ?? 0) > 0;
  }
}

class PostgresThrottleStore implements ThrottleStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    // One statement: a failure either extends the current window or starts a new one.
    const { rows } = await this.pool.query<ThrottleRow>(`
      INSERT INTO throttle (key, failures, window_start) VALUES ($1, 1, $2)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN 1 ELSE throttle.failures + 1 END,
        window_start = CASE WHEN throttle.window_start <= $2 - $3::bigint THEN $2 ELSE throttle.window_start END
      RETURNING failures, window_start`, [key, now, windowSeconds]);
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return { failures: row.failures, windowStart: row.window_start };
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const { rows } = await this.pool.query<ThrottleRow>('SELECT failures, window_start FROM throttle WHERE key = $1', [key]);
    return rows[0] && { failures: rows[0].failures, windowStart: rows[0].window_start };
  }

  async forgive(key: string): Promise<void> {
    await this.pool.query('UPDATE throttle SET failures = GREATEST(failures - 1, 0) WHERE key = $1', [key]);
  }

  async reset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM throttle WHERE key = $1', [key]);
  }
}

class PostgresSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async save(x: SessionRecord): Promise<void> {
    await this.pool.query(`
      INSERT INTO sessions (hash, user_id, csrf_token, auth_time, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (hash) DO UPDATE SET user_id = excluded.user_id, csrf_token = excluded.csrf_token,
        auth_time = excluded.auth_time, expires_at = excluded.expires_at`,
    [x.hash, x.userId, x.csrfToken, x.authTime, x.createdAt, x.expiresAt]);
  }

  async find(hash: string, now: number): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM sessions WHERE hash = $1 AND expires_at > $2', [hash, now]);
    const row = rows[0];
    return row && {
      hash: row.hash, userId: row.user_id, csrfToken: row.csrf_token, authTime: row.auth_time,
      createdAt: row.created_at, expiresAt: row.expires_at,
    };
  }

  async delete(hash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE hash = $1', [hash]);
  }

  async purgeExpired(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [before])).rowCount ?? 0;
  }
}
