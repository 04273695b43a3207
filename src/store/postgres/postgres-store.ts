import pg from 'pg';
import { PostgresClientAssertionJtiStore } from './assertion-jtis.js';
import type {
  AccessTokenDenyList, ClientStore, CodeStore, ConsentStore, KeyStore, OpenIdGrantStore, ClientRegistrationStore, ClientAssertionJtiStore, RegistryVersionStore, ResourceServerStore, SessionStore, Store, ThrottleStore, TokenStore, UserStore,
} from '../types.js';
import { PostgresClientStore } from './clients.js';
import { PostgresCodeStore } from './codes.js';
import { PostgresConsentStore } from './consents.js';
import { PostgresAccessTokenDenyList } from './denials.js';
import { inTransaction } from './dialect.js';
import { PostgresKeyStore } from './keys.js';
import { postgresMigrations } from './migrations.js';
import { RegistryChangeSignal } from '../registry-change-signal.js';
import { PostgresRegistryVersionStore } from './registry-version.js';
import { PostgresOpenIdGrantStore } from './openid-grants.js';
import { PostgresClientRegistrationStore } from './client-registrations.js';
import { PostgresResourceServerStore } from './resources.js';
import { PostgresSessionStore } from './sessions.js';
import { PostgresThrottleStore } from './throttle.js';
import { PostgresTokenStore } from './tokens.js';
import { PostgresUserStore } from './users.js';

/** How long connecting and each statement may take before the request gets a 503 (docs/CONFIGURATION.md). */
export const DEFAULT_TIMEOUT_MS = 5_000;

export interface PostgresOptions {
  /** Bound on connecting, on waiting for a pooled connection and on each statement; default 5 s. */
  timeoutMs?: number;
}

/** Any constant works; it only has to be the same in every process that migrates this database. */
const MIGRATION_LOCK = 0x74657373;

// pg returns BIGINT as a string because it may exceed 2^53; our BIGINTs are times and counts.
function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} does not fit a JS number`);
  return value;
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

/** Where statement durations go; set after connecting (ServerMetrics), undefined until then. */
interface QueryTiming {
  observer: ((seconds: number) => void) | undefined;
}

/**
 * Times every statement of every pooled connection (pool.query and transactions alike): each new
 * client's query is wrapped once, at connect. pg's pool passes a callback; callers may use the promise.
 */
function timeQueries(pool: pg.Pool): QueryTiming {
  const timing: QueryTiming = { observer: undefined };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const observer = timing.observer;
      if (!observer) return query(...args);
      const started = performance.now();
      const done = () => observer((performance.now() - started) / 1000);
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (...results: unknown[]) => {
          done();
          return (callback as (...results: unknown[]) => unknown)(...results);
        };
        return query(...args);
      }
      const result = query(...args);
      if (result instanceof Promise) result.then(done, done);
      return result;
    };
  });
  return timing;
}

/**
 * The PostgreSQL store: one pg pool, shared by the stores of every concern (clients.ts,
 * tokens.ts, ... beside this file). This class only connects, migrates and composes.
 */
export class PostgresStore implements Store {
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

  private constructor(private readonly pool: pg.Pool, private readonly timing: QueryTiming) {
    // Registry writes through this store tell the caches of this process at once.
    const registryChanges = new RegistryChangeSignal();
    this.clients = new PostgresClientStore(pool, registryChanges);
    this.users = new PostgresUserStore(pool);
    this.tokens = new PostgresTokenStore(pool);
    this.keys = new PostgresKeyStore(pool);
    this.codes = new PostgresCodeStore(pool);
    this.consents = new PostgresConsentStore(pool);
    this.throttle = new PostgresThrottleStore(pool);
    this.sessions = new PostgresSessionStore(pool);
    this.resources = new PostgresResourceServerStore(pool, registryChanges);
    this.registryVersion = new PostgresRegistryVersionStore(pool, registryChanges);
    this.denials = new PostgresAccessTokenDenyList(pool);
    this.assertionJtis = new PostgresClientAssertionJtiStore(pool);
    this.openIdGrants = new PostgresOpenIdGrantStore(pool);
    this.registrations = new PostgresClientRegistrationStore(pool, registryChanges);
  }

  /**
   * Connects and applies pending migrations. `url` is a libpq-style URL; tables live in the first
   * schema of its search_path, which can be chosen with `?options=-c%20search_path%3Dname`.
   */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, parseBigint);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Bounded waits, so a database that is down or frozen costs a request at most about timeoutMs
    // and then a 503 (store/unavailable.ts), never a hang: connecting (or waiting for a pooled
    // connection), a statement on the server, and, for a server that does not answer at all
    // (SIGSTOPped, a dead network), the client's own read timeout a little later. A connection
    // that failed is discarded, so the pool recovers by itself when the database returns.
    const pool = new pg.Pool({
      connectionString: url, types,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 1_000,
      keepAlive: true,
    });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, that would
    // crash the process. The pool has already discarded it and the next query opens a new one.
    pool.on('error', () => {});
    const timing = timeQueries(pool);
    try {
      await applyMigrations(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool, timing);
  }

  observeQueries(observer: (seconds: number) => void): void {
    this.timing.observer = observer;
  }

  poolUse(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
