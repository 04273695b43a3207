import type { ProtocolRegistry } from '../registry.js';
import type { DynamicRegistrationSettings } from '../server/settings.js';
import type { Client, ClientRegistration, ClientRegistrationStore, ClientStore, ResourceServerStore, ThrottleStore } from '../store/types.js';
import { noAudit, type AuditLog } from './audit.js';
import { clientToMetadata } from './client-metadata.js';
import type { Clock } from './clock.js';
import { InvalidClientMetadataError, OAuthError, TooManyAttempts } from './errors.js';
import { addressBucket, THROTTLE } from './login-throttle.js';
import type { RandomSource } from './random.js';
import { hashesEqual, type SecretHashing } from './secret-hash.js';
import { SELF_REGISTERED_CLIENT_ID_PREFIX } from './display-text.js';
import { selfRegisteredClient } from './self-registered-metadata.js';
import { generateOpaqueToken, TOKEN_PREFIX } from './tokens.js';

/** The path of the registration endpoint; RFC 7592 client configuration endpoints are beneath it. */
export const REGISTRATION_PATH = '/register';

/** RFC 6750 §3: the Bearer challenge of the registration endpoints, with an error code or none. */
function bearerChallenge(error?: string, description?: string): Record<string, string> {
  return { 'www-authenticate': error === undefined ? 'Bearer realm="tessera-registration"'
    : `Bearer realm="tessera-registration", error="${error}", error_description="${description ?? ''}"` };
}

/**
 * RFC 6750 §3.1 invalid_token (401) for a missing, unknown, expired or used-up initial access
 * token or registration access token. Without credentials, the challenge carries no error (§3.1).
 */
export class RegistrationUnauthorized extends OAuthError {
  constructor(withError: boolean) {
    const description = 'The access token is missing, unknown, expired or used up.';
    super('invalid_token', 401, description, bearerChallenge(withError ? 'invalid_token' : undefined, description));
  }
}

/** The bearer token of an Authorization header (RFC 6750 §2.1), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The Client Information Response (RFC 7591 §3.2.1, RFC 7592 §3). */
export type ClientInformation = Record<string, unknown>;

export interface DynamicRegistrationDeps {
  issuer: string;
  settings: DynamicRegistrationSettings;
  registrations: ClientRegistrationStore;
  clients: Pick<ClientStore, 'get' | 'delete'>;
  resourceServers: Pick<ResourceServerStore, 'get'>;
  throttle: Pick<ThrottleStore, 'recordFailure'>;
  hashing: SecretHashing;
  clock: Clock;
  random: RandomSource;
  registry: ProtocolRegistry;
  audit?: AuditLog | undefined;
}

/**
 * RFC 7591 dynamic client registration and RFC 7592 management (read, update, delete), away
 * from HTTP. Registration access tokens and initial access tokens are kept as keyed hashes and
 * compared in constant time.
 */
export class DynamicRegistration {
  private readonly audit: AuditLog;

  constructor(private readonly deps: DynamicRegistrationDeps) {
    this.audit = deps.audit ?? noAudit;
  }

  private information(client: Client, registrationToken: string, secret: string | undefined): ClientInformation {
    const { skip_consent: _skip, ...metadata } = clientToMetadata(client);
    return {
      ...metadata,
      client_id_issued_at: client.createdAt,
      // RFC 7591 §3.2.1: client_secret_expires_at is REQUIRED with a client_secret; 0: never expires.
      ...(secret !== undefined ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...(client.secretHash !== null && secret === undefined ? { client_secret_expires_at: 0 } : {}),
      registration_access_token: registrationToken,
      registration_client_uri: `${this.deps.issuer}${REGISTRATION_PATH}/${encodeURIComponent(client.clientId)}`,
    };
  }

  /**
   * POST /register (RFC 7591 §3.1). Counted per address first (every attempt, all instances), so
   * neither registrations nor guesses of initial access tokens go unbounded.
   */
  async register(body: unknown, authorization: string | undefined, address: string): Promise<ClientInformation> {
    const { settings, clock, random, hashing, registrations } = this.deps;
    const now = clock.nowSeconds();
    const counted = await this.deps.throttle.recordFailure(`register-ip:${addressBucket(address)}`, now, THROTTLE.windowSeconds);
    if (counted.failures > settings.perAddressLimit) {
      throw new TooManyAttempts('Too many registrations from this address; retry later.', counted.windowStart + THROTTLE.windowSeconds - now);
    }
    const initialToken = settings.mode === 'token' ? bearerToken(authorization) : undefined;
    // RFC 7591 §3: with an initial access token required, a request without one is refused first.
    if (settings.mode === 'token' && initialToken === undefined) throw new RegistrationUnauthorized(authorization !== undefined);

    const clientId = `${SELF_REGISTERED_CLIENT_ID_PREFIX}${random.token(16)}`;
    const { client, issuedSecret } = await selfRegisteredClient({
      body, clientId, newSecret: generateOpaqueToken(TOKEN_PREFIX.clientSecret, random), now, policy: settings,
      hashing, resourceServers: this.deps.resourceServers, registry: this.deps.registry,
    });
    // Counted only for a registration that is otherwise acceptable, in one statement (store).
    if (initialToken !== undefined && !await this.useInitialToken(initialToken, now)) throw new RegistrationUnauthorized(true);

    const registrationToken = generateOpaqueToken(TOKEN_PREFIX.registrationAccessToken, random);
    const outcome = await registrations.register(client, hashing.tokens.hash(registrationToken), now, settings.maxClients);
    if (outcome === 'full') {
      // RFC 7591 §3.2.2 has no code for a full server; the request is refused as temporarily unacceptable.
      throw new OAuthError('temporarily_unavailable', 503, 'The server accepts no more self-registered clients now.', { 'retry-after': '3600' });
    }
    if (outcome === 'taken') throw new OAuthError('server_error', 500, 'A client_id collision happened; retry.');
    this.audit.record({ event: 'client.registered', clientId: client.clientId, address });
    return this.information(client, registrationToken, issuedSecret);
  }

  private async useInitialToken(token: string, now: number): Promise<boolean> {
    for (const hash of this.deps.hashing.tokens.candidates(token)) {
      if (await this.deps.registrations.useInitialToken(hash, now)) return true;
    }
    return false;
  }

  /**
   * RFC 7592 §2: the client's registration if the registration access token is its current one,
   * compared in constant time; else 401 (§2.1: also for a client that does not exist).
   */
  private async authorized(clientId: string, authorization: string | undefined): Promise<{ registration: ClientRegistration; client: Client; token: string }> {
    const token = bearerToken(authorization);
    if (token === undefined) throw new RegistrationUnauthorized(authorization !== undefined);
    const registration = await this.deps.registrations.find(clientId);
    // A hash is computed either way, so an unknown client_id costs the same.
    const verified = this.deps.hashing.tokens.verify(token, registration?.tokenHash ?? 'none');
    const client = registration && verified.ok ? await this.deps.clients.get(clientId) : undefined;
    if (!registration || !verified.ok || !client) throw new RegistrationUnauthorized(true);
    return { registration, client, token };
  }

  /** GET: RFC 7592 §2.1. The presented token is the current one, so it is what the response carries. */
  async read(clientId: string, authorization: string | undefined): Promise<ClientInformation> {
    const { client, token } = await this.authorized(clientId, authorization);
    return this.information(client, token, undefined);
  }

  /**
   * PUT: RFC 7592 §2.2. The metadata is replaced (omitted fields take their defaults), validated as
   * a registration is; the registration access token is rotated, so the response carries a new one.
   */
  async update(clientId: string, body: unknown, authorization: string | undefined): Promise<ClientInformation> {
    const { hashing, random } = this.deps;
    const { registration, client } = await this.authorized(clientId, authorization);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidClientMetadataError('The registration request must be a JSON object of client metadata.');
    }
    const fields = body as Record<string, unknown>;
    // RFC 7592 §2.2: the request MUST carry the client's client_id.
    if (fields.client_id !== clientId) throw new InvalidClientMetadataError('client_id must be the client\'s own.');
    // RFC 7592 §2.2: a client_secret sent MUST match the current one; a client never sets its own.
    if (fields.client_secret !== undefined) {
      const matches = typeof fields.client_secret === 'string' && client.secretHash !== null
        && hashing.clientSecrets.verify(fields.client_secret, client.secretHash).ok;
      if (!matches) throw new InvalidClientMetadataError('client_secret does not match the current secret.');
    }
    const { client: updated, issuedSecret } = await selfRegisteredClient({
      body: fields, clientId, newSecret: generateOpaqueToken(TOKEN_PREFIX.clientSecret, random), now: client.createdAt,
      policy: this.deps.settings, hashing, resourceServers: this.deps.resourceServers, registry: this.deps.registry,
      currentSecretHash: client.secretHash,
    });
    const newToken = generateOpaqueToken(TOKEN_PREFIX.registrationAccessToken, random);
    if (!await this.deps.registrations.update(updated, registration.tokenHash, hashing.tokens.hash(newToken))) {
      // Another update with the same token won: this token is no longer current.
      throw new RegistrationUnauthorized(true);
    }
    this.audit.record({ event: 'client.updated', clientId });
    return this.information(updated, newToken, issuedSecret);
  }

  /** DELETE: RFC 7592 §2.3. The client and everything granted to it end (clients.delete). */
  async delete(clientId: string, authorization: string | undefined): Promise<void> {
    await this.authorized(clientId, authorization);
    await this.deps.clients.delete(clientId, this.deps.clock.nowSeconds());
    this.audit.record({ event: 'client.deleted', clientId });
  }
}

/** Days since the epoch: the unit of a self-registered client's last use. */
export function epochDay(nowSeconds: number): number {
  return Math.floor(nowSeconds / 86_400);
}

/**
 * Records that self-registered clients were used, for the idle purge, at most one write per client
 * per day per process: the first code redemption or refresh of the day updates last_used_day
 * (a no-op statement for an admin-registered client), the rest of the day nothing is written.
 * The memory is one day's clients and is cleared when the day changes.
 */
export class ClientUseRecorder {
  private day = -1;
  private readonly seen = new Set<string>();

  constructor(private readonly registrations: Pick<ClientRegistrationStore, 'touch'>, private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => {}) {}

  used(clientId: string): void {
    const day = epochDay(this.clock.nowSeconds());
    if (day !== this.day) {
      this.day = day;
      this.seen.clear();
    }
    if (this.seen.has(clientId)) return;
    this.seen.add(clientId);
    // In the background: the token response never waits for it.
    this.registrations.touch(clientId, day).catch((error: unknown) => {
      this.seen.delete(clientId);
      this.onError(error);
    });
  }
}
