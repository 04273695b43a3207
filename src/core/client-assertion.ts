import { createHash } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Client, ClientAssertionJtiStore } from '../store/types.js';
import type { Clock } from './clock.js';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The JWS algorithms a client assertion may use: asymmetric only. `none` and the HMAC algorithms
 * are never accepted (an HS256 assertion would be "signed" with a public key, RFC 8725 §3.1).
 */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** The longest lifetime (exp - now) an assertion may claim: it is single-use, and its jti is kept that long. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock skew tolerated between the client and this server. */
const SKEW_SECONDS = 60;

/** Why an assertion was refused: a fixed code for the audit log; the client only sees invalid_client. */
export type AssertionRejection = 'no_keys' | 'bad_signature' | 'bad_alg' | 'bad_claims' | 'expired' | 'lifetime' | 'replayed';

/** Where a client's public keys come from: inline `jwks`, or its `jwks_uri` fetched through core/safe-fetch.ts (cached). */
export type ClientKeyLoader = (client: Client) => Promise<JSONWebKeySet | undefined>;

export interface ClientAssertionVerifierOptions {
  /** The issuer; the token endpoint is `${issuer}/token`. */
  issuer: string;
  jtis: ClientAssertionJtiStore;
  keys: ClientKeyLoader;
  clock: Clock;
}

/**
 * private_key_jwt (OpenID Connect Core §9, RFC 7523 §2.2 and §3, RFC 7521 §4.2): verifies a
 * client assertion of a client registered for it. Returns undefined when accepted, else why not.
 */
export class ClientAssertionVerifier {
  private readonly audiences: string[];

  constructor(private readonly options: ClientAssertionVerifierOptions) {
    // RFC 7523 §3 item 3: aud identifies the authorization server; the token endpoint URL MAY be
    // used (OpenID Connect Core §9 says it SHOULD), and the issuer identifier is what the current
    // OAuth WG guidance (draft-ietf-oauth-rfc7523bis) asks for. Both are accepted, at the token,
    // introspection and revocation endpoints alike, and nothing else (docs/SECURITY.md); and as
    // the only audience (single-audience rule below).
    this.audiences = [options.issuer, `${options.issuer}/token`];
  }

  async verify(client: Client, assertion: string): Promise<AssertionRejection | undefined> {
    let jwks: JSONWebKeySet | undefined;
    try {
      jwks = await this.options.keys(client);
    } catch {
      jwks = undefined;
    }
    if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) return 'no_keys';
    const now = this.options.clock.nowSeconds();
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks), {
        algorithms: [...CLIENT_ASSERTION_ALGS],
        // RFC 7523 §3 items 1 and 2: iss and sub are the client_id.
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences,
        // RFC 7523 §3 item 4: exp is required; item 7: jti (required by OpenID Connect Core §9).
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now * 1000),
        clockTolerance: SKEW_SECONDS,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return 'expired';
      if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return 'bad_alg';
      if (error instanceof joseErrors.JWTClaimValidationFailed) return 'bad_claims';
      return 'bad_signature';
    }
    // draft-ietf-oauth-rfc7523bis: the assertion's audience is this server alone (its issuer as
    // the sole value), so an assertion made for several servers, which any of them could replay at
    // another, is refused (FAPI 2.0 Security Profile §5.3.2.1 likewise: a string, not an array).
    // For compatibility with libraries that always emit an array (JWT allows either, RFC 7519
    // §4.1.3), a one-element array holding an accepted value is taken as that value; jwtVerify
    // has checked the value itself.
    if (typeof payload.aud !== 'string' && !(Array.isArray(payload.aud) && payload.aud.length === 1)) return 'bad_claims';
    const exp = payload.exp as number;
    // A bounded lifetime: the replay row lives until exp, and a long-lived assertion is a bearer
    // credential in all but name. iat, when present, must not be in the future either.
    if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS + SKEW_SECONDS) return 'lifetime';
    if (payload.iat !== undefined && payload.iat > now + SKEW_SECONDS) return 'bad_claims';
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256) return 'bad_claims';
    // RFC 7523 §3 item 7: the authorization server may ensure a JWT is not replayed by keeping the
    // jti until exp; here it is required, atomic in the database across workers and instances.
    const jtiHash = createHash('sha256').update(payload.jti).digest('base64url');
    const first = await this.options.jtis.claim(client.clientId, jtiHash, exp + SKEW_SECONDS, now);
    return first ? undefined : 'replayed';
  }
}

/**
 * The client's keys: its inline jwks, or its jwks_uri through the shared safe, cached fetcher.
 * Private key members and symmetric keys are never used even if a document has them.
 */
export function clientKeyLoader(fetchJson: (url: string) => Promise<unknown>): ClientKeyLoader {
  return async (client) => {
    const raw = client.jwks ?? (client.jwksUri !== undefined ? await fetchJson(client.jwksUri) : undefined);
    return publicJwks(raw);
  };
}

/** The public, asymmetric keys of a JWK Set, or undefined when it is not one. */
export function publicJwks(raw: unknown): JSONWebKeySet | undefined {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { keys?: unknown }).keys)) return undefined;
  const keys = ((raw as { keys: unknown[] }).keys).filter((key): key is Record<string, unknown> =>
    typeof key === 'object' && key !== null && ['RSA', 'EC', 'OKP'].includes(String((key as { kty?: unknown }).kty)) && (key as { d?: unknown }).d === undefined);
  return { keys: keys as unknown as JSONWebKeySet['keys'] };
}
