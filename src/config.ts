/**
 * The one typed Config. Only this module reads process.env (DESIGN.md convention 5):
 * a value comes from the command-line flag, else TESSERA_<FLAG>, else the default.
 */

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  /** The issuer identifier (RFC 8414 §2): https, or http for local development, no query or fragment. */
  issuer: string;
  db: DatabaseConfig;
  seedFile: string | undefined;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Default audience of access tokens when no RFC 8707 resource is asked for. */
  audience: string;
  workers: number;
  /** Lifetime of authorization codes, in seconds. */
  codeTtl: number;
  /** PKCE is always required of public clients; 'all' requires it of confidential clients too. */
  pkceRequired: 'public' | 'all';
  /** Lifetime of a signed-in browser session at the server, in seconds. */
  sessionTtl: number;
  /**
   * Proxies whose X-Forwarded-For is believed (Fastify's trustProxy: addresses or CIDRs), so that
   * throttling sees the real client address; empty: the socket's address.
   */
  trustProxy: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
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
  audience?: string | undefined;
  workers?: string | undefined;
  codeTtl?: string | undefined;
  pkceRequired?: string | undefined;
  sessionTtl?: string | undefined;
  trustProxy?: string | undefined;
  logLevel?: string | undefined;
}

const ENV_NAMES: Record<keyof ConfigFlags, string> = {
  port: 'TESSERA_PORT',
  host: 'TESSERA_HOST',
  issuer: 'TESSERA_ISSUER',
  db: 'TESSERA_DB',
  seed: 'TESSERA_SEED',
  accessTokenTtl: 'TESSERA_ACCESS_TOKEN_TTL',
  refreshTokenTtl: 'TESSERA_REFRESH_TOKEN_TTL',
  audience: 'TESSERA_AUDIENCE',
  workers: 'TESSERA_WORKERS',
  codeTtl: 'TESSERA_CODE_TTL',
  pkceRequired: 'TESSERA_PKCE_REQUIRED',
  sessionTtl: 'TESSERA_SESSION_TTL',
  trustProxy: 'TESSERA_TRUST_PROXY',
  logLevel: 'TESSERA_LOG_LEVEL',
};

export const DEFAULT_DB = 'sqlite:./data/tessera.db';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

/** Never print a database password in an error message. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export function validateIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`--issuer must be an absolute URL, got "${issuer}".`);
  }
  // RFC 8414 §2: the issuer is a URL using https with no query or fragment components.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`--issuer must use https (or http for local development), got "${issuer}".`);
  }
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new ConfigError(`--issuer must not have a query or fragment, got "${issuer}".`);
  }
  return issuer.replace(/\/+$/, '');
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
  const issuer = validateIssuer(pick('issuer') ?? `http://${publicHost}:${port}`);
  const logLevel = pick('logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  }
  const audience = pick('audience') ?? issuer;
  const pkceRequired = pick('pkceRequired') ?? 'public';
  if (pkceRequired !== 'public' && pkceRequired !== 'all') {
    throw new ConfigError(`--pkce-required must be "public" or "all", got "${pkceRequired}".`);
  }
  return {
    port,
    host,
    issuer,
    db: parseDatabaseUrl(pick('db') ?? DEFAULT_DB),
    seedFile: pick('seed'),
    accessTokenTtl: integer('access-token-ttl', pick('accessTokenTtl') ?? '3600', 1, 86_400 * 365),
    refreshTokenTtl: integer('refresh-token-ttl', pick('refreshTokenTtl') ?? String(14 * 86_400), 1, 86_400 * 3650),
    audience,
    workers: integer('workers', pick('workers') ?? '1', 1, 64),
    codeTtl: integer('code-ttl', pick('codeTtl') ?? '60', 1, 600),
    pkceRequired,
    sessionTtl: integer('session-ttl', pick('sessionTtl') ?? String(8 * 3600), 60, 86_400 * 30),
    trustProxy: (pick('trustProxy') ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    logLevel: logLevel as Config['logLevel'],
  };
}

/** `tessera user create` reads the password from here so it need not appear in the shell history. */
export function userPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.TESSERA_USER_PASSWORD;
  return value === undefined || value === '' ? undefined : value;
}
