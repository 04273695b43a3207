import { SIGNING_ALGS, type SigningAlg } from './store/types.js';
import { DEFAULT_SETTINGS, InvalidSettings, LOG_LEVELS, validateIssuer, type LogLevel, type ServerSettings } from './server/settings.js';
import { DEFAULT_REGISTRY_REFRESH_MS, REGISTRY_STALE_LIMIT_MS } from './store/registry-cache.js';

/**
 * The one typed Config. Only this module reads process.env (DESIGN.md convention 5):
 * a value comes from the command-line flag, else TESSERA_<FLAG>, else the default.
 */

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

/**
 * The CLI's configuration: where to listen, which database, how many workers, which seed file;
 * and, apart, the settings of the server itself (src/server/settings.ts), which is all that
 * buildServer receives.
 */
/**
 * Where the server secret comes from (docs/SECURITY.md): a file (--secret-file /
 * TESSERA_SECRET_FILE, one secret per line, the first current), the TESSERA_SECRET variable
 * (several separated by commas), or, for the embedded SQLite default only, a file generated on
 * first start beside the database. An in-memory database gets a secret for the process only.
 */
export type SecretSource =
  | { kind: 'file'; path: string }
  | { kind: 'value'; values: string[] }
  | { kind: 'beside-database'; path: string }
  | { kind: 'ephemeral' };

export interface Config {
  port: number;
  host: string;
  db: DatabaseConfig;
  secret: SecretSource;
  seedFile: string | undefined;
  workers: number;
  /** Seconds a shutdown waits for requests in flight before closing what is left (--shutdown-timeout). */
  shutdownTimeout: number;
  /** Seconds PostgreSQL may take to connect or run a statement before a request gets a 503 (--db-timeout). */
  dbTimeout: number;
  /**
   * Milliseconds between two reads of the registry version (--client-cache-refresh): how long a
   * client or resource server changed elsewhere may go unseen by this process (store/registry-cache.ts).
   */
  clientCacheRefreshMs: number;
  /** The Prometheus listener (--metrics-port, --metrics-host); undefined: no metrics (the default). */
  metrics: { port: number; host: string } | undefined;
  /** Security audit events as JSON lines (--audit-log): a file, '-' for stdout; undefined: none. */
  auditLog: string | undefined;
  settings: ServerSettings;
}

/** A configuration mistake: the CLI prints the message on one line and exits non-zero. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What the command line gave, before defaults; every field optional. */
export interface ConfigFlags {
  port?: string | undefined;
  host?: string | undefined;
  issuer?: string | undefined;
  db?: string | undefined;
  seed?: string | undefined;
  accessTokenTtl?: string | undefined;
  refreshTokenTtl?: string | undefined;
  refreshRetryWindow?: string | undefined;
  audience?: string | undefined;
  workers?: string | undefined;
  shutdownTimeout?: string | undefined;
  dbTimeout?: string | undefined;
  clientCacheRefresh?: string | undefined;
  codeTtl?: string | undefined;
  pkceRequired?: string | undefined;
  sessionTtl?: string | undefined;
  trustProxy?: string | undefined;
  metricsPort?: string | undefined;
  metricsHost?: string | undefined;
  auditLog?: string | undefined;
  logRequests?: string | undefined;
  logLevel?: string | undefined;
  secretFile?: string | undefined;
  jwksMaxAge?: string | undefined;
  keyRotationInterval?: string | undefined;
  signingAlg?: string | undefined;
  dynamicRegistration?: string | undefined;
  dynamicRegistrationScope?: string | undefined;
  dynamicRegistrationMaxClients?: string | undefined;
  dynamicRegistrationIdleDays?: string | undefined;
  dynamicRegistrationRateLimit?: string | undefined;
  clientIdMetadataDocuments?: string | undefined;
  cimdAllowPrivateHosts?: string | undefined;
  cimdAllowedHosts?: string | undefined;
}

const ENV_NAMES: Record<keyof ConfigFlags, string> = {
  port: 'TESSERA_PORT',
  host: 'TESSERA_HOST',
  issuer: 'TESSERA_ISSUER',
  db: 'TESSERA_DB',
  seed: 'TESSERA_SEED',
  accessTokenTtl: 'TESSERA_ACCESS_TOKEN_TTL',
  refreshTokenTtl: 'TESSERA_REFRESH_TOKEN_TTL',
  refreshRetryWindow: 'TESSERA_REFRESH_RETRY_WINDOW',
  audience: 'TESSERA_AUDIENCE',
  workers: 'TESSERA_WORKERS',
  shutdownTimeout: 'TESSERA_SHUTDOWN_TIMEOUT',
  dbTimeout: 'TESSERA_DB_TIMEOUT',
  clientCacheRefresh: 'TESSERA_CLIENT_CACHE_REFRESH',
  codeTtl: 'TESSERA_CODE_TTL',
  pkceRequired: 'TESSERA_PKCE_REQUIRED',
  sessionTtl: 'TESSERA_SESSION_TTL',
  trustProxy: 'TESSERA_TRUST_PROXY',
  metricsPort: 'TESSERA_METRICS_PORT',
  metricsHost: 'TESSERA_METRICS_HOST',
  auditLog: 'TESSERA_AUDIT_LOG',
  logRequests: 'TESSERA_LOG_REQUESTS',
  logLevel: 'TESSERA_LOG_LEVEL',
  secretFile: 'TESSERA_SECRET_FILE',
  jwksMaxAge: 'TESSERA_JWKS_MAX_AGE',
  keyRotationInterval: 'TESSERA_KEY_ROTATION_INTERVAL',
  signingAlg: 'TESSERA_SIGNING_ALG',
  dynamicRegistration: 'TESSERA_DYNAMIC_REGISTRATION',
  dynamicRegistrationScope: 'TESSERA_DYNAMIC_REGISTRATION_SCOPE',
  dynamicRegistrationMaxClients: 'TESSERA_DYNAMIC_REGISTRATION_MAX_CLIENTS',
  dynamicRegistrationIdleDays: 'TESSERA_DYNAMIC_REGISTRATION_IDLE_DAYS',
  dynamicRegistrationRateLimit: 'TESSERA_DYNAMIC_REGISTRATION_RATE_LIMIT',
  clientIdMetadataDocuments: 'TESSERA_CLIENT_ID_METADATA_DOCUMENTS',
  cimdAllowPrivateHosts: 'TESSERA_CIMD_ALLOW_PRIVATE_HOSTS',
  cimdAllowedHosts: 'TESSERA_CIMD_ALLOWED_HOSTS',
};

export const DEFAULT_DB = 'sqlite:./data/tessera.db';

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`--${name} must be a whole number, got "${value}".`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`--${name} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

export function parseDatabaseUrl(value: string): DatabaseConfig {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('--db sqlite: needs a file path, as in sqlite:./data/tessera.db (or sqlite::memory:).');
    return { kind: 'sqlite', path };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`--db "${redactUrl(value)}" is not a valid PostgreSQL URL (postgres://user:password@host:5432/database).`);
    }
    return { kind: 'postgres', url: value };
  }
  throw new ConfigError(`--db must start with sqlite: or postgres://, got "${redactUrl(value)}".`);
}

/** The database of a maintenance command: its --db flag, else TESSERA_DB, else the default. */
export function databaseFromFlag(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return parseDatabaseUrl(flag ?? (env.TESSERA_DB || DEFAULT_DB));
}

/** Never print a database password in an error message. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * `defaults` are a command's own defaults (`tessera demo` uses its own database), below the flag
 * and the environment and above the built-in defaults.
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env, defaults: ConfigFlags = {}): Config {
  const pick = (key: keyof ConfigFlags): string | undefined => {
    const fromFlag = flags[key];
    if (fromFlag !== undefined) return fromFlag;
    const fromEnv = env[ENV_NAMES[key]];
    return fromEnv === undefined || fromEnv === '' ? defaults[key] : fromEnv;
  };
  const port = integer('port', pick('port') ?? '9000', 0, 65535);
  const host = pick('host') ?? '127.0.0.1';
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  let issuer: string;
  try {
    issuer = validateIssuer(pick('issuer') ?? `http://${publicHost}:${port}`);
  } catch (error) {
    throw error instanceof InvalidSettings ? new ConfigError(error.message) : error;
  }
  const logLevel = pick('logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  }
  const audience = pick('audience') ?? issuer;
  const pkceRequired = pick('pkceRequired') ?? 'public';
  if (pkceRequired !== 'public' && pkceRequired !== 'all') {
    throw new ConfigError(`--pkce-required must be "public" or "all", got "${pkceRequired}".`);
  }
  const db = parseDatabaseUrl(pick('db') ?? DEFAULT_DB);
  return {
    port,
    host,
    db,
    secret: secretSource(pick('secretFile'), env.TESSERA_SECRET, db),
    seedFile: pick('seed'),
    workers: integer('workers', pick('workers') ?? '1', 1, 64),
    shutdownTimeout: integer('shutdown-timeout', pick('shutdownTimeout') ?? '10', 0, 3600),
    dbTimeout: integer('db-timeout', pick('dbTimeout') ?? '5', 1, 600),
    // At most half the 10 s bound of docs/SECURITY.md, so that one failed read does not pass it.
    clientCacheRefreshMs: integer('client-cache-refresh', pick('clientCacheRefresh') ?? String(DEFAULT_REGISTRY_REFRESH_MS), 10, REGISTRY_STALE_LIMIT_MS / 2),
    metrics: metricsListener(pick('metricsPort'), pick('metricsHost')),
    auditLog: pick('auditLog'),
    settings: {
      issuer,
      accessTokenTtl: integer('access-token-ttl', pick('accessTokenTtl') ?? String(DEFAULT_SETTINGS.accessTokenTtl), 1, 86_400 * 365),
      refreshTokenTtl: integer('refresh-token-ttl', pick('refreshTokenTtl') ?? String(DEFAULT_SETTINGS.refreshTokenTtl), 1, 86_400 * 3650),
      refreshRetryWindow: integer('refresh-retry-window', pick('refreshRetryWindow') ?? String(DEFAULT_SETTINGS.refreshRetryWindow), 0, 300),
      audience,
      codeTtl: integer('code-ttl', pick('codeTtl') ?? String(DEFAULT_SETTINGS.codeTtl), 1, 600),
      pkceRequired,
      sessionTtl: integer('session-ttl', pick('sessionTtl') ?? String(DEFAULT_SETTINGS.sessionTtl), 60, 86_400 * 30),
      trustProxy: (pick('trustProxy') ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
      logLevel: logLevel as LogLevel,
      logRequests: booleanFlag('log-requests', pick('logRequests') ?? 'true'),
      timeouts: DEFAULT_SETTINGS.timeouts,
      jwksMaxAge: jwksMaxAge(pick('jwksMaxAge'), env),
      keyRotationInterval: keyRotationInterval(pick('keyRotationInterval') ?? '0'),
      signingAlg: signingAlg(pick('signingAlg'), '--signing-alg'),
      dynamicRegistration: dynamicRegistration(pick),
      clientIdMetadataDocuments: {
        enabled: onOff('client-id-metadata-documents', pick('clientIdMetadataDocuments') ?? 'off'),
        allowPrivateHosts: booleanFlag('cimd-allow-private-hosts', String(pick('cimdAllowPrivateHosts') ?? 'false')),
        allowedHosts: (pick('cimdAllowedHosts') ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== ''),
      },
    },
  };
}

/**
 * The JWKS max-age (--jwks-max-age / TESSERA_JWKS_MAX_AGE): `tessera serve` sends it, and
 * `tessera keys rotate` waits it (plus a margin) by default before a new key signs.
 */
export function jwksMaxAge(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const given = flag ?? (env.TESSERA_JWKS_MAX_AGE === '' ? undefined : env.TESSERA_JWKS_MAX_AGE);
  return integer('jwks-max-age', given ?? String(DEFAULT_SETTINGS.jwksMaxAge), 0, 86_400);
}

/**
 * The access-token lifetime (--access-token-ttl / TESSERA_ACCESS_TOKEN_TTL): `tessera serve` uses
 * it, and `tessera keys retire` refuses a key whose tokens may still be valid.
 */
export function accessTokenTtl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const given = flag ?? (env.TESSERA_ACCESS_TOKEN_TTL === '' ? undefined : env.TESSERA_ACCESS_TOKEN_TTL);
  return integer('access-token-ttl', given ?? String(DEFAULT_SETTINGS.accessTokenTtl), 1, 86_400 * 365);
}

/**
 * `--signing-alg` (TESSERA_SIGNING_ALG): the algorithm of access tokens for resources that choose
 * none.
 */
export function signingAlg(value: string | undefined, flag: string): SigningAlg {
  if (value === undefined) return DEFAULT_SETTINGS.signingAlg;
  if (!(SIGNING_ALGS as readonly string[]).includes(value)) throw new ConfigError(`${flag} must be one of ${SIGNING_ALGS.join(', ')}, got "${value}".`);
  return value as SigningAlg;
}

/** The --dynamic-registration* flags (RFC 7591); defaults in DEFAULT_SETTINGS. */
function dynamicRegistration(pick: (key: keyof ConfigFlags) => string | undefined): ServerSettings['dynamicRegistration'] {
  const defaults = DEFAULT_SETTINGS.dynamicRegistration;
  const mode = pick('dynamicRegistration') ?? defaults.mode;
  if (mode !== 'off' && mode !== 'open' && mode !== 'token') {
    throw new ConfigError(`--dynamic-registration must be off, open or token, got "${mode}".`);
  }
  const scopeFlag = pick('dynamicRegistrationScope');
  const scope = scopeFlag === undefined ? [...defaults.scope] : scopeFlag.split(/[ ,]+/).filter((word) => word !== '');
  // RFC 6749 §3.3 scope-token characters.
  if (scope.some((word) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(word))) {
    throw new ConfigError('--dynamic-registration-scope must be scope names separated by spaces or commas.');
  }
  return {
    mode,
    scope,
    maxClients: integer('dynamic-registration-max-clients', pick('dynamicRegistrationMaxClients') ?? String(defaults.maxClients), 1, 10_000_000),
    idleDays: integer('dynamic-registration-idle-days', pick('dynamicRegistrationIdleDays') ?? String(defaults.idleDays), 1, 3650),
    perAddressLimit: integer('dynamic-registration-rate-limit', pick('dynamicRegistrationRateLimit') ?? String(defaults.perAddressLimit), 1, 10_000),
  };
}

function metricsListener(port: string | undefined, host: string | undefined): Config['metrics'] {
  if (port === undefined) {
    if (host !== undefined) throw new ConfigError('--metrics-host needs --metrics-port.');
    return undefined;
  }
  return { port: integer('metrics-port', port, 0, 65535), host: host ?? '127.0.0.1' };
}

function onOff(name: string, value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(`--${name} must be on or off, got "${value}".`);
}

function booleanFlag(name: string, value: string): boolean {
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new ConfigError(`--${name} must be true or false, got "${value}".`);
}

/** `--key-rotation-interval`: 0 or off, or a duration such as 30d, 12h, 90m or seconds; at least an hour. */
function keyRotationInterval(value: string): number {
  if (value === '0' || value === 'off') return 0;
  const match = /^(\d+)([smhd]?)$/.exec(value);
  const seconds = match ? Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'] : Number.NaN;
  if (!(seconds >= 3600 && seconds <= 365 * 86_400)) {
    throw new ConfigError(`--key-rotation-interval must be off or a duration between 1h and 365d (30d, 12h, or seconds), got "${value}".`);
  }
  return seconds;
}

function secretSource(file: string | undefined, value: string | undefined, db: DatabaseConfig): SecretSource {
  if (file !== undefined) return { kind: 'file', path: file };
  if (value !== undefined && value !== '') {
    return { kind: 'value', values: value.split(',').map((part) => part.trim()).filter((part) => part !== '') };
  }
  if (db.kind === 'postgres') {
    throw new ConfigError('with PostgreSQL, give the server secret with --secret-file FILE or TESSERA_SECRET (make one with: head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE).');
  }
  if (db.path === ':memory:') return { kind: 'ephemeral' };
  return { kind: 'beside-database', path: `${db.path.replace(/\.db$/, '')}.secret` };
}

/** `tessera user create` reads the password from here so it need not appear in the shell history. */
export function userPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.TESSERA_USER_PASSWORD;
  return value === undefined || value === '' ? undefined : value;
}
