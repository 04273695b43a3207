import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  Client, ClientStore, CodeRecord, CodeStore, ConsentStore, ConsumeResult, KeyStore, RotateResult, SessionRecord,
  SessionStore, SigningKey, Store, ThrottleState, ThrottleStore, TokenRecord, TokenStore, User, UserStore,
} from '../types.js';
import { BackgroundCheckpoint } from './background-checkpoint.js';
import { GroupCommit } from './group-commit.js';
import { sqliteMigrations } from './migrations.js';

type Row = Record<string, unknown>;

function applyMigrations(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  // IMMEDIATE takes the write lock first, so two processes starting at once apply each migration once.
  const migrate = db.transaction(() => {
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    for (const migration of sqliteMigrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, Math.floor(Date.now() / 1000));
    }
  });
  migrate.immediate();
}

function clientFromRow(row: Row): Client {
  return {
    clientId: row.client_id as string,
    clientName: row.client_name as string,
    secretHash: (row.secret_hash as string | null) ?? null,
    redirectUris: JSON.parse(row.redirect_uris as string) as string[],
    grantTypes: JSON.parse(row.grant_types as string) as string[],
    responseTypes: JSON.parse(row.response_types as string) as string[],
    scope: JSON.parse(row.scope as string) as string[],
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as Client['tokenEndpointAuthMethod'],
    resources: JSON.parse(row.resources as string) as string[],
    skipConsent: row.skip_consent === 1,
    createdAt: row.created_at as number,
  };
}

function userFromRow(row: Row): User {
  return {
    id: row.id as string,
    username: row.username as string,
    passwordHash: row.password_hash as string,
    createdAt: row.created_at as number,
  };
}

function tokenFromRow(row: Row): TokenRecord {
  return {
    hash: row.hash as string,
    kind: row.kind as TokenRecord['kind'],
    jti: row.jti as string,
    clientId: row.client_id as string,
    subject: row.subject as string,
    userId: (row.user_id as string | null) ?? null,
    scope: (row.scope as string) === '' ? [] : (row.scope as string).split(' '),
    audience: row.audience as string,
    issuedAt: row.issued_at as number,
    expiresAt: row.expires_at as number,
    familyId: row.family_id as string,
    revokedAt: (row.revoked_at as number | null) ?? null,
    rotatedAt: (row.rotated_at as number | null) ?? null,
  };
}

function tokenParams(t: TokenRecord): unknown[] {
  return [t.hash, t.kind, t.jti, t.clientId, t.subject, t.userId, t.scope.join(' '), t.audience,
    t.issuedAt, t.expiresAt, t.familyId, t.revokedAt, t.rotatedAt];
}

function keyFromRow(row: Row): SigningKey {
  return {
    kid: row.kid as string,
    alg: row.alg as SigningKey['alg'],
    privateJwk: JSON.parse(row.private_jwk as string) as Record<string, unknown>,
    publicJwk: JSON.parse(row.public_jwk as string) as Record<string, unknown>,
    createdAt: row.created_at as number,
    active: row.active === 1,
  };
}

export class SqliteStore implements Store {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly codes: CodeStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly sessions: SessionStore;
  readonly db: Database.Database;
  private readonly checkpoint: BackgroundCheckpoint | undefined;

  /** `path` is a file path or ':memory:'. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL is durable against application crashes; a power loss may
    // lose the last transactions but never corrupts the database.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    applyMigrations(db);
    if (path !== ':memory:') {
      // WAL checkpoints run in a thread of their own (docs/BENCHMARKS.md); this connection
      // checkpoints only past 10,000 pages (40 MB of WAL), as a safety net.
      db.pragma('wal_autocheckpoint = 10000');
      this.checkpoint = new BackgroundCheckpoint(path);
    }
    this.db = db;
    this.clients = new SqliteClientStore(db);
    this.users = new SqliteUserStore(db);
    this.tokens = new SqliteTokenStore(db);
    this.keys = new SqliteKeyStore(db);
    this.codes = new SqliteCodeStore(db);
    this.consents = new SqliteConsentStore(db);
    this.throttle = new SqliteThrottleStore(db);
    this.sessions = new SqliteSessionStore(db);
  }

  async close(): Promise<void> {
    await this.checkpoint?.stop();
    this.db.close();
  }
}

class SqliteClientStore implements ClientStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM clients WHERE client_id = ?');
    this.listStmt = db.prepare('SELECT * FROM clients ORDER BY client_id');
    this.upsertStmt = db.prepare(`
      INSERT INTO clients (client_id, client_name, secret_hash, redirect_uris, grant_types, response_types, scope,
        token_endpoint_auth_method, resources, skip_consent, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (client_id) DO UPDATE SET client_name = excluded.client_name, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types,
        response_types = excluded.response_types, scope = excluded.scope,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, resources = excluded.resources,
        skip_consent = excluded.skip_consent`);
    this.deleteStmt = db.prepare('DELETE FROM clients WHERE client_id = ?');
  }

  async get(clientId: string): Promise<Client | undefined> {
    const row = this.getStmt.get(clientId) as Row | undefined;
    return row ? clientFromRow(row) : undefined;
  }

  async list(): Promise<Client[]> {
    return (this.listStmt.all() as Row[]).map(clientFromRow);
  }

  async upsert(c: Client): Promise<void> {
    this.upsertStmt.run(c.clientId, c.clientName, c.secretHash, JSON.stringify(c.redirectUris),
      JSON.stringify(c.grantTypes), JSON.stringify(c.responseTypes), JSON.stringify(c.scope),
      c.tokenEndpointAuthMethod, JSON.stringify(c.resources), c.skipConsent ? 1 : 0, c.createdAt);
  }

  async delete(clientId: string): Promise<boolean> {
    return this.deleteStmt.run(clientId).changes > 0;
  }
}

class SqliteUserStore implements UserStore {
  private readonly byName;
  private readonly byId;
  private readonly listStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    this.byName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM users ORDER BY username');
    this.upsertStmt = db.prepare(`
      INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash
      RETURNING *`);
    this.deleteStmt = db.prepare('DELETE FROM users WHERE username = ?');
  }

  async getByUsername(username: string): Promise<User | undefined> {
    const row = this.byName.get(username) as Row | undefined;
    return row ? userFromRow(row) : undefined;
  }

  async getById(id: string): Promise<User | undefined> {
    const row = this.byId.get(id) as Row | undefined;
    return row ? userFromRow(row) : undefined;
  }

  async list(): Promise<User[]> {
    return (this.listStmt.all() as Row[]).map(userFromRow);
  }

  async upsert(u: User): Promise<User> {
    return userFromRow(this.upsertStmt.get(u.id, u.username, u.passwordHash, u.createdAt) as Row);
  }

  async delete(username: string): Promise<boolean> {
    return this.deleteStmt.run(username).changes > 0;
  }
}

class SqliteTokenStore implements TokenStore {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly revokeStmt;
  private readonly revokeFamilyStmt;
  private readonly retireStmt;
  private readonly purgeStmt;
  private readonly countStmt;
  private readonly insertMany;
  private readonly rotate;
  /** Token inserts of one event-loop turn share a transaction (docs/BENCHMARKS.md). */
  private readonly inserts: GroupCommit<TokenRecord>;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO tokens (hash, kind, jti, client_id, subject, user_id, scope, audience, issued_at, expires_at,
        family_id, revoked_at, rotated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.findStmt = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    // COALESCE keeps the first revocation time, and the change count says whether the token exists.
    this.revokeStmt = db.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE hash = ?');
    this.revokeFamilyStmt = db.prepare('UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
    // The single conditional statement that makes rotation happen once: only a live, unrotated,
    // unexpired refresh token of this client matches, and only one UPDATE can change it.
    this.retireStmt = db.prepare(`
      UPDATE tokens SET rotated_at = ?
      WHERE hash = ? AND kind = 'refresh_token' AND client_id = ? AND rotated_at IS NULL AND revoked_at IS NULL
        AND expires_at > ?
      RETURNING *`);
    // In batches: one DELETE of millions of expired rows would hold the event loop for seconds.
    this.purgeStmt = db.prepare('DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at < ? LIMIT 2000)');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM tokens');
    this.insertMany = db.transaction((records: readonly TokenRecord[]) => {
      for (const record of records) this.insertStmt.run(...tokenParams(record));
    });
    this.inserts = new GroupCommit((records) => this.insertMany(records));
    this.rotate = db.transaction((oldHash: string, clientId: string, now: number, replacements: TokenRecord[]): RotateResult => {
      const retired = this.retireStmt.get(now, oldHash, clientId, now) as Row | undefined;
      if (retired) {
        for (const record of replacements) this.insertStmt.run(...tokenParams(record));
        return { outcome: 'rotated', previous: tokenFromRow(retired) };
      }
      const existing = this.findStmt.get(oldHash) as Row | undefined;
      if (!existing) return { outcome: 'invalid' };
      const previous = tokenFromRow(existing);
      if (previous.kind === 'refresh_token' && previous.clientId === clientId && previous.rotatedAt !== null) {
        this.revokeFamilyStmt.run(now, previous.familyId);
        return { outcome: 'reused', previous };
      }
      return { outcome: 'invalid' };
    });
  }

  async save(record: TokenRecord): Promise<void> {
    return this.inserts.write([record]);
  }

  async saveAll(records: TokenRecord[]): Promise<void> {
    return this.inserts.write(records);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const row = this.findStmt.get(hash) as Row | undefined;
    return row ? tokenFromRow(row) : undefined;
  }

  async revoke(hash: string, now: number): Promise<boolean> {
    return this.revokeStmt.run(now, hash).changes > 0;
  }

  async revokeFamily(familyId: string, now: number): Promise<number> {
    return this.revokeFamilyStmt.run(now, familyId).changes;
  }

  async rotateRefreshToken(oldHash: string, clientId: string, now: number, replacements: TokenRecord[]): Promise<RotateResult> {
    return this.rotate.immediate(oldHash, clientId, now, replacements);
  }

  async purgeExpired(before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = this.purgeStmt.run(before).changes;
      total += deleted;
      if (deleted < 2000) return total;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async count(): Promise<number> {
    return (this.countStmt.get() as { n: number }).n;
  }
}

class SqliteKeyStore implements KeyStore {
  private readonly listStmt;
  private readonly insertStmt;
  private readonly deactivateStmt;
  private readonly insertIfNoneTx;

  constructor(db: Database.Database) {
    this.listStmt = db.prepare('SELECT * FROM signing_keys WHERE active = 1 ORDER BY created_at DESC, kid');
    this.insertStmt = db.prepare(
      'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, active) VALUES (?, ?, ?, ?, ?, ?)');
    this.deactivateStmt = db.prepare('UPDATE signing_keys SET active = 0 WHERE kid = ? AND active = 1');
    this.insertIfNoneTx = db.transaction((key: SigningKey) => {
      const existing = this.listStmt.all() as Row[];
      if (existing.length > 0) return existing.map(keyFromRow);
      this.insertRow(key);
      return [key];
    });
  }

  private insertRow(k: SigningKey): void {
    this.insertStmt.run(k.kid, k.alg, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt, k.active ? 1 : 0);
  }

  async listActive(): Promise<SigningKey[]> {
    return (this.listStmt.all() as Row[]).map(keyFromRow);
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    return this.insertIfNoneTx.immediate(key);
  }

  async insert(key: SigningKey): Promise<void> {
    this.insertRow(key);
  }

  async deactivate(kid: string): Promise<boolean> {
    return this.deactivateStmt.run(kid).changes > 0;
  }
}

function codeFromRow(row: Row): CodeRecord {
  return {
    hash: row.hash as string,
    clientId: row.client_id as string,
    userId: row.user_id as string,
    redirectUri: (row.redirect_uri as string | null) ?? null,
    scope: (row.scope as string) === '' ? [] : (row.scope as string).split(' '),
    audience: row.audience as string,
    codeChallenge: (row.code_challenge as string | null) ?? null,
    familyId: row.family_id as string,
    expiresAt: row.expires_at as number,
    consumedAt: (row.consumed_at as number | null) ?? null,
  };
}

class SqliteCodeStore implements CodeStore {
  private readonly insertStmt;
  private readonly consumeStmt;
  private readonly findStmt;
  private readonly markReplayedStmt;
  private readonly replayedStmt;
  private readonly purgeStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO codes (hash, client_id, user_id, redirect_uri, scope, audience, code_challenge, family_id, expires_at, consumed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Single use is this one conditional UPDATE: of any number of concurrent redemptions, one matches.
    this.consumeStmt = db.prepare(
      'UPDATE codes SET consumed_at = ? WHERE hash = ? AND consumed_at IS NULL AND expires_at > ? RETURNING *');
    this.findStmt = db.prepare('SELECT * FROM codes WHERE hash = ?');
    this.markReplayedStmt = db.prepare(
      'UPDATE codes SET replayed_at = COALESCE(replayed_at, ?) WHERE hash = ? AND consumed_at IS NOT NULL RETURNING *');
    this.replayedStmt = db.prepare('SELECT replayed_at FROM codes WHERE hash = ?');
    this.purgeStmt = db.prepare('DELETE FROM codes WHERE expires_at < ?');
  }

  async save(c: CodeRecord): Promise<void> {
    this.insertStmt.run(c.hash, c.clientId, c.userId, c.redirectUri, c.scope.join(' '), c.audience, c.codeChallenge,
      c.familyId, c.expiresAt, c.consumedAt);
  }

  async consume(hash: string, now: number): Promise<ConsumeResult> {
    const consumed = this.consumeStmt.get(now, hash, now) as Row | undefined;
    if (consumed) return { outcome: 'consumed', code: codeFromRow(consumed) };
    const replayed = this.markReplayedStmt.get(now, hash) as Row | undefined;
    if (replayed) return { outcome: 'replayed', code: codeFromRow(replayed) };
    return { outcome: 'invalid' };
  }

  async wasReplayed(hash: string): Promise<boolean> {
    const row = this.replayedStmt.get(hash) as { replayed_at: number | null } | undefined;
    return row !== undefined && row.replayed_at !== null;
  }

  async purgeExpired(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes;
  }
}

class SqliteConsentStore implements ConsentStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly grantTx;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT scope FROM consents WHERE user_id = ? AND client_id = ?');
    this.upsertStmt = db.prepare(`
      INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at`);
    this.deleteStmt = db.prepare('DELETE FROM consents WHERE user_id = ? AND client_id = ?');
    this.grantTx = db.transaction((userId: string, clientId: string, scopes: string[], now: number) => {
      const row = this.getStmt.get(userId, clientId) as { scope: string } | undefined;
      const merged = new Set([...(row && row.scope !== '' ? row.scope.split(' ') : []), ...scopes]);
      this.upsertStmt.run(userId, clientId, [...merged].join(' '), now);
    });
  }

  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    const row = this.getStmt.get(userId, clientId) as { scope: string } | undefined;
    return row && row.scope !== '' ? row.scope.split(' ') : [];
  }

  async grant(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    this.grantTx.immediate(userId, clientId, scopes, now);
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    return this.deleteStmt.run(userId, clientId).changes > 0;
  }
}

class SqliteThrottleStore implements ThrottleStore {
  private readonly recordStmt;
  private readonly getStmt;
  private readonly resetStmt;
  private readonly forgiveStmt;

  constructor(db: Database.Database) {
    // One statement: a failure either extends the current window or starts a new one.
    this.recordStmt = db.prepare(`
      INSERT INTO throttle (key, failures, window_start) VALUES (@key, 1, @now)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN window_start <= @now - @window THEN 1 ELSE failures + 1 END,
        window_start = CASE WHEN window_start <= @now - @window THEN @now ELSE window_start END
      RETURNING failures, window_start`);
    this.getStmt = db.prepare('SELECT failures, window_start FROM throttle WHERE key = ?');
    this.resetStmt = db.prepare('DELETE FROM throttle WHERE key = ?');
    this.forgiveStmt = db.prepare('UPDATE throttle SET failures = max(failures - 1, 0) WHERE key = ?');
  }

  async forgive(key: string): Promise<void> {
    this.forgiveStmt.run(key);
  }

  async recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState> {
    const row = this.recordStmt.get({ key, now, window: windowSeconds }) as { failures: number; window_start: number };
    return { failures: row.failures, windowStart: row.window_start };
  }

  async get(key: string): Promise<ThrottleState | undefined> {
    const row = this.getStmt.get(key) as { failures: number; window_start: number } | undefined;
    return row ? { failures: row.failures, windowStart: row.window_start } : undefined;
  }

  async reset(key: string): Promise<void> {
    this.resetStmt.run(key);
  }
}

class SqliteSessionStore implements SessionStore {
  private readonly upsertStmt;
  private readonly findStmt;
  private readonly deleteStmt;
  private readonly purgeStmt;

  constructor(db: Database.Database) {
    this.upsertStmt = db.prepare(`
      INSERT INTO sessions (hash, user_id, csrf_token, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (hash) DO UPDATE SET user_id = excluded.user_id, csrf_token = excluded.csrf_token,
        auth_time = excluded.auth_time, expires_at = excluded.expires_at`);
    this.findStmt = db.prepare('SELECT * FROM sessions WHERE hash = ? AND expires_at > ?');
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE hash = ?');
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE expires_at < ?');
  }

  async save(x: SessionRecord): Promise<void> {
    this.upsertStmt.run(x.hash, x.userId, x.csrfToken, x.authTime, x.createdAt, x.expiresAt);
  }

  async find(hash: string, now: number): Promise<SessionRecord | undefined> {
    const row = this.findStmt.get(hash, now) as Row | undefined;
    if (!row) return undefined;
    return {
      hash: row.hash as string,
      userId: (row.user_id as string | null) ?? null,
      csrfToken: row.csrf_token as string,
      authTime: (row.auth_time as number | null) ?? null,
      createdAt: row.created_at as number,
      expiresAt: row.expires_at as number,
    };
  }

  async delete(hash: string): Promise<void> {
    this.deleteStmt.run(hash);
  }

  async purgeExpired(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes;
  }
}
