import type { SigningAlg } from '../store/types.js';

/**
 * What the authorization server itself needs to know, apart from where it listens and which
 * database it uses (those belong to the CLI's Config, src/config.ts). A library user builds
 * these with {@link serverSettings} and hands them to buildServer.
 */
export interface ServerSettings {
  /** The issuer identifier (RFC 8414 §2): https, or http for local development, no query or fragment. */
  readonly issuer: string;
  /** Lifetime of access tokens, in seconds. */
  readonly accessTokenTtl: number;
  /**
   * Shorter access-token lifetimes for some clients (client_id to seconds), set in code only (the
   * demo's refresh page has its tokens expire while you watch, the other pages keep the longer
   * default). Never longer than accessTokenTtl, which bounds key retirement and the deny list.
   */
  readonly accessTokenTtlByClient?: ReadonlyMap<string, number>;
  /** Lifetime of refresh tokens, in seconds. */
  readonly refreshTokenTtl: number;
  /**
   * Seconds after a refresh token's rotation during which the same client presenting it again
   * (parallel requests, a lost response) gets the same successor tokens instead of having its grant
   * revoked, while the successor is unused; never longer than the access token lives. 0: never.
   */
  readonly refreshRetryWindow: number;
  /** Default audience of access tokens when no RFC 8707 resource is asked for. */
  readonly audience: string;
  /** Lifetime of authorization codes, in seconds. */
  readonly codeTtl: number;
  /** PKCE is always required of public clients; 'all' requires it of confidential clients too. */
  readonly pkceRequired: 'public' | 'all';
  /** Lifetime of a signed-in browser session at the server, in seconds. */
  readonly sessionTtl: number;
  /**
   * Proxies whose X-Forwarded-For is believed (Fastify's trustProxy: addresses or CIDRs), so that
   * throttling sees the real client address; empty: the socket's address.
   */
  readonly trustProxy: readonly string[];
  readonly logLevel: LogLevel;
  /** One log line per request at info (method, route, status, duration, client_id); false: none. */
  readonly logRequests: boolean;
  /** Bounds on slow clients, so none can hold a connection for long (slowloris). */
  readonly timeouts: ConnectionTimeouts;
  /**
   * Cache-Control max-age of the JWKS, in seconds: how long a resource server may go without seeing
   * a newly published key. `tessera keys rotate` waits this (plus a margin) before the new key signs.
   */
  readonly jwksMaxAge: number;
  /**
   * Seconds after which the servers add a new signing key by themselves (it signs after the JWKS
   * max-age plus a margin; the old one is retired once its tokens have expired). 0: only by hand.
   */
  readonly keyRotationInterval: number;
  /**
   * The algorithm of access tokens for resources that choose none (a registered resource's
   * `signingAlg` overrides it). ES256 by default; every algorithm has keys of its own.
   */
  readonly signingAlg: SigningAlg;
  /** RFC 7591 dynamic client registration at POST /register (docs/CONFIGURATION.md); off by default. */
  readonly dynamicRegistration: DynamicRegistrationSettings;
  /** Client ID Metadata Documents and outbound fetches (jwks_uri); absent: CIMD off, public hosts only. */
  readonly clientIdMetadataDocuments?: CimdSettings | undefined;
}

/** RFC 7591/7592: who may register clients by themselves, with what, and how many may exist. */
export interface DynamicRegistrationSettings {
  /** off: no /register and no registration_endpoint; open: anyone; token: an RFC 7591 §3 initial access token. */
  readonly mode: 'off' | 'open' | 'token';
  /**
   * The scopes a self-registered client may have: what it asks for is cut down to these, and a
   * client that asks for none gets them all. Never an administrator's scope by accident: only what is listed here.
   */
  readonly scope: readonly string[];
  /** How many self-registered clients may exist at once; registrations beyond are refused. */
  readonly maxClients: number;
  /** Self-registered clients unused for this many days are deleted by the expiry purge. */
  readonly idleDays: number;
  /** Registrations accepted per client address per 15 minutes (all instances together). */
  readonly perAddressLimit: number;
}

/** draft-ietf-oauth-client-id-metadata-document: whether https client_ids are fetched, and from where. */
export interface CimdSettings {
  /** --client-id-metadata-documents on|off (default off: opt-in, docs/SECURITY.md). */
  readonly enabled: boolean;
  /** --cimd-allow-private-hosts: development only; any address, and http:// on loopback hosts. Also jwks_uri fetches. */
  readonly allowPrivateHosts: boolean;
  /** --cimd-allowed-hosts: the only hosts whose documents are accepted; empty: any public host. */
  readonly allowedHosts: readonly string[];
}

export interface ConnectionTimeouts {
  /** The request line and headers must arrive within this (node's headersTimeout). */
  readonly headersMs: number;
  /** The whole request, body included, must arrive within this (node's requestTimeout). */
  readonly requestMs: number;
  /** A connection with no traffic at all is closed after this (node's server.timeout). */
  readonly idleMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting that cannot be used; the CLI prints the message on one line and exits non-zero. */
export class InvalidSettings extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSettings';
  }
}

export const DEFAULT_SETTINGS = {
  // Five minutes: a JWT access token verified locally by an API cannot be recalled, so its
  // lifetime is how long a revoked grant keeps working there (RFC 9700 §4.10; docs/SECURITY.md).
  accessTokenTtl: 300,
  refreshTokenTtl: 14 * 86_400,
  // Long enough for parallel requests and a client's retry after a lost response; short, because
  // within it whoever presents a rotated token with the client's credentials gets its successor.
  refreshRetryWindow: 30,
  codeTtl: 60,
  pkceRequired: 'public',
  sessionTtl: 8 * 3600,
  trustProxy: [],
  logLevel: 'info',
  logRequests: true,
  timeouts: { headersMs: 10_000, requestMs: 30_000, idleMs: 30_000, keepAliveMs: 5_000 },
  jwksMaxAge: 300,
  keyRotationInterval: 0,
  signingAlg: 'ES256',
  dynamicRegistration: { mode: 'off', scope: ['openid', 'profile', 'email', 'offline_access'], maxClients: 10_000, idleDays: 30, perAddressLimit: 10 },
} as const satisfies Omit<ServerSettings, 'issuer' | 'audience'>;

/** RFC 8414 §2: the issuer is a URL using https (http for development) with no query or fragment. */
export function validateIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new InvalidSettings(`--issuer must be an absolute URL, got "${issuer}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidSettings(`--issuer must use https (or http for local development), got "${issuer}".`);
  }
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new InvalidSettings(`--issuer must not have a query or fragment, got "${issuer}".`);
  }
  return issuer.replace(/\/+$/, '');
}

/** Settings with the defaults filled in; the audience defaults to the issuer. */
export function serverSettings(given: Partial<ServerSettings> & { issuer: string }): ServerSettings {
  const issuer = validateIssuer(given.issuer);
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_SETTINGS, audience: issuer, ...defined, issuer };
}

/**
 * An issuer on port 0 (`--port 0`) means the port bound: the metadata, the tokens' `iss` and
 * (in the demo) seeded redirect URIs need the real one. The audience follows when it is the issuer (its default).
 */
export function settingsOnBoundPort(settings: ServerSettings, port: number): ServerSettings {
  const portZero = /^(https?:\/\/[^/?#]*):0(?=$|\/)/;
  if (!portZero.test(settings.issuer)) return settings;
  const issuer = settings.issuer.replace(portZero, `$1:${port}`);
  return { ...settings, issuer, audience: settings.audience === settings.issuer ? issuer : settings.audience };
}
