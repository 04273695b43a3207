import Database from 'better-sqlite3';
import { SqliteClientAssertionJtiStore } from './assertion-jtis.js';
import type {
  AccessTokenDenyList, ClientStore, CodeStore, ConsentStore, KeyStore, OpenIdGrantStore, ClientRegistrationStore, ClientAssertionJtiStore, RegistryVersionStore, ResourceServerStore, SessionStore, Store, ThrottleStore, TokenStore, UserStore,
} from '../types.js';
import { BackgroundCheckpoint } from './background-checkpoint.js';
import { SqliteClientStore } from './clients.js';
import { SqliteCodeStore } from './codes.js';
import { SqliteConsentStore } from './consents.js';
import { SqliteKeyStore } from './keys.js';
import { sqliteMigrations } from './migrations.js';
import { RegistryChangeSignal } from '../registry-change-signal.js';
import { SqliteRegistryVersionStore } from './registry-version.js';
import { SqliteAccessTokenDenyList } from './denials.js';
import { SqliteResourceServerStore } from './resources.js';
import { SqliteSessionStore } from './sessions.js';
import { SqliteThrottleStore } from './throttle.js';
import { SqliteTokenStore } from './tokens.js';
import { SqliteUserStore } from './users.js';
import { SqliteOpenIdGrantStore } from './openid-grants.js';
import { SqliteClientRegistrationStore } from './client-registrations.js';
import { preparePrivateDatabaseFile, restrictDatabaseFiles } from './private-files.js';
import { checkIntegrity, checkWritable, isCorruptionError, UnusableDatabaseFile } from './database-check.js';

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

/**
 * The embedded store: one better-sqlite3 connection, shared by the stores of every concern
 * (clients.ts, tokens.ts, ... beside this file). This class only opens, migrates and composes.
 */
export class SqliteStore implements Store {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly codes: CodeStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly sessions: SessionStore;
  readonly resources: ResourceServerStore;
  readonly registryVersion: RegistryVersionStore;
  readonly denials: AccessTokenDenyList;
  readonly openIdGrants: OpenIdGrantStore;
  readonly registrations: ClientRegistrationStore;
  readonly assertionJtis: ClientAssertionJtiStore;
  readonly db: Database.Database;
  private readonly checkpoint: BackgroundCheckpoint | undefined;

  /** `path` is a file path or ':memory:'. */
  constructor(path: string) {
    if (path !== ':memory:') {
      preparePrivateDatabaseFile(path);
      checkWritable(path);
    }
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      if (path !== ':memory:') restrictDatabaseFiles(path);
      // WAL with synchronous=NORMAL is durable against application crashes; a power loss may
      // lose the last transactions but never corrupts the database.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      if (path !== ':memory:') checkIntegrity(db, path);
      applyMigrations(db);
    } catch (error) {
      db.close();
      if (isCorruptionError(error)) throw new UnusableDatabaseFile(`the database file "${path}" is corrupt (${(error as Error).message}); restore it from a backup (tessera db backup).`);
      throw error;
    }
    if (path !== ':memory:') {
      // WAL checkpoints run in a thread of their own (docs/BENCHMARKS.md); this connection
      // checkpoints only past 10,000 pages (40 MB of WAL), as a safety net.
      db.pragma('wal_autocheckpoint = 10000');
      this.checkpoint = new BackgroundCheckpoint(path);
    }
    this.db = db;
    // Registry writes through this store tell the caches of this process at once.
    const registryChanges = new RegistryChangeSignal();
    this.clients = new SqliteClientStore(db, registryChanges);
    this.users = new SqliteUserStore(db);
    this.tokens = new SqliteTokenStore(db);
    this.keys = new SqliteKeyStore(db);
    this.codes = new SqliteCodeStore(db);
    this.consents = new SqliteConsentStore(db);
    this.throttle = new SqliteThrottleStore(db);
    this.sessions = new SqliteSessionStore(db);
    this.resources = new SqliteResourceServerStore(db, registryChanges);
    this.registryVersion = new SqliteRegistryVersionStore(db, registryChanges);
    this.denials = new SqliteAccessTokenDenyList(db);
    this.assertionJtis = new SqliteClientAssertionJtiStore(db);
    this.openIdGrants = new SqliteOpenIdGrantStore(db);
    this.registrations = new SqliteClientRegistrationStore(db, registryChanges);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.checkpoint?.stop();
    this.db.close();
  }
}
