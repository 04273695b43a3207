import type { Command } from 'commander';
import type { ConfigFlags } from '../config.js';

/** One flag of `tessera serve`; `demo: false` where `tessera demo` has no use for it. */
interface ServerOption {
  flags: string;
  key: keyof ConfigFlags;
  help: string;
  /** How the default reads in --help, e.g. "9000" or ": off"; a command's own default replaces it. */
  default?: string;
  demo?: false;
}

const SERVER_OPTIONS: readonly ServerOption[] = [
  { flags: '--port <port>', key: 'port', help: 'port to listen on', default: '9000' },
  { flags: '--host <host>', key: 'host', help: 'address to bind', default: '127.0.0.1' },
  { flags: '--issuer <url>', key: 'issuer', help: 'issuer identifier', default: 'http://HOST:PORT' },
  { flags: '--db <url>', key: 'db', help: 'database: sqlite:PATH or postgres://...', default: 'sqlite:./data/tessera.db' },
  { flags: '--seed <file>', key: 'seed', help: 'JSON {"clients": [...], "users": [...], "resources": [...]} applied at every start' },
  { flags: '--access-token-ttl <seconds>', key: 'accessTokenTtl', help: 'access token lifetime', default: '300' },
  { flags: '--refresh-token-ttl <seconds>', key: 'refreshTokenTtl', help: 'refresh token lifetime', default: '1209600' },
  { flags: '--refresh-retry-window <seconds>', key: 'refreshRetryWindow', help: 'a client retrying a refresh within this gets the same new tokens', default: '30, 0: never' },
  { flags: '--audience <aud>', key: 'audience', help: 'audience of access tokens when neither the request nor the client names a resource', default: ': the issuer' },
  { flags: '--workers <n>', key: 'workers', help: 'processes sharing the port', default: '1', demo: false },
  { flags: '--db-timeout <seconds>', key: 'dbTimeout', help: 'PostgreSQL: bound on connecting and on each statement; past it a request gets 503', default: '5', demo: false },
  { flags: '--client-cache-refresh <ms>', key: 'clientCacheRefresh', help: 'how often each process checks whether clients or resource servers changed elsewhere', default: '2000, at most 5000', demo: false },
  { flags: '--shutdown-timeout <seconds>', key: 'shutdownTimeout', help: 'on SIGTERM/SIGINT, how long requests in flight may take before connections are closed', default: '10', demo: false },
  { flags: '--code-ttl <seconds>', key: 'codeTtl', help: 'authorization code lifetime', default: '60, at most 600' },
  { flags: '--pkce-required <who>', key: 'pkceRequired', help: '"public": PKCE required of public clients; "all": of every client', default: 'public' },
  { flags: '--session-ttl <seconds>', key: 'sessionTtl', help: 'signed-in browser session lifetime', default: '28800' },
  { flags: '--trust-proxy <addresses>', key: 'trustProxy', help: 'comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed' },
  { flags: '--log-level <level>', key: 'logLevel', help: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  { flags: '--log-requests <bool>', key: 'logRequests', help: 'one log line per request at info', default: 'true' },
  { flags: '--metrics-port <port>', key: 'metricsPort', help: 'serve Prometheus metrics at http://METRICS_HOST:PORT/metrics', default: ': off', demo: false },
  { flags: '--metrics-host <host>', key: 'metricsHost', help: 'address of the metrics listener', default: '127.0.0.1', demo: false },
  { flags: '--audit-log <file>', key: 'auditLog', help: 'security audit events as JSON lines, appended to FILE, or - for stdout', default: ': off', demo: false },
  { flags: '--secret-file <path>', key: 'secretFile', help: 'server secret(s), one per line, the first current', default: ': generated beside a SQLite database; or TESSERA_SECRET' },
  { flags: '--jwks-max-age <seconds>', key: 'jwksMaxAge', help: 'Cache-Control max-age of the JWKS; tessera keys rotate waits this plus a margin by default', default: '300' },
  { flags: '--key-rotation-interval <duration>', key: 'keyRotationInterval', help: 'add a new signing key of each algorithm when its newest is this old, e.g. 30d', default: ' off' },
  { flags: '--signing-alg <alg>', key: 'signingAlg', help: 'ES256, RS256 or EdDSA: the algorithm of access tokens for resources that choose none', default: 'ES256' },
  { flags: '--dynamic-registration <mode>', key: 'dynamicRegistration', help: 'RFC 7591 client registration at /register: off, open, or token (needs an initial access token: tessera registration-token create)', default: 'off' },
  { flags: '--dynamic-registration-scope <scopes>', key: 'dynamicRegistrationScope', help: 'the scopes self-registered clients may have', default: '"openid profile email offline_access"' },
  { flags: '--dynamic-registration-max-clients <n>', key: 'dynamicRegistrationMaxClients', help: 'how many self-registered clients may exist', default: '10000' },
  { flags: '--dynamic-registration-idle-days <days>', key: 'dynamicRegistrationIdleDays', help: 'self-registered clients unused this long are deleted', default: '30' },
  { flags: '--dynamic-registration-rate-limit <n>', key: 'dynamicRegistrationRateLimit', help: 'registrations per client address per 15 minutes', default: '10' },
  { flags: '--client-id-metadata-documents <on|off>', key: 'clientIdMetadataDocuments', help: 'accept https URLs as client_id, fetched as Client ID Metadata Documents', default: 'off' },
  { flags: '--cimd-allowed-hosts <hosts>', key: 'cimdAllowedHosts', help: 'comma-separated hosts whose client ID metadata documents are accepted', default: ': any public host' },
  { flags: '--cimd-allow-private-hosts [bool]', key: 'cimdAllowPrivateHosts', help: 'DEVELOPMENT ONLY: fetch documents and jwks_uri from private/loopback addresses, http on 127.0.0.1', default: 'false' },
];

function withDefault(help: string, shown: string | undefined): string {
  if (shown === undefined) return help;
  return shown.startsWith(':') || shown.startsWith(' ') ? `${help} (default${shown})` : `${help} (default ${shown})`;
}

/** The flags of `tessera serve`, each with its default. */
export function addServeOptions(command: Command): Command {
  for (const option of SERVER_OPTIONS) command.option(option.flags, withDefault(option.help, option.default));
  return command;
}

/**
 * The flags of `tessera demo`: those of serve that its three servers in one process use (not
 * --workers, the metrics and audit listeners, nor the PostgreSQL and multi-instance tuning), each
 * with the demo's own default where it has one, so that --help tells what `tessera demo` does.
 */
export function addDemoOptions(command: Command, demoDefaults: Partial<Record<keyof ConfigFlags, string>>): Command {
  for (const option of SERVER_OPTIONS) {
    if (option.demo === false) continue;
    command.option(option.flags, withDefault(option.help, demoDefaults[option.key] ?? option.default));
  }
  return command;
}
