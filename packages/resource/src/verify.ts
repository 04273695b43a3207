import type { JSONWebKeySet } from 'jose';
import { verifyAccessTokenJwt, type AccessTokenRules } from './access-token-jwt.js';
import { bearerTokenFrom } from './authorization-header.js';
import { BearerChallenges, type BearerError } from './bearer-error.js';
import { claimsFromIntrospection, UnusableClaims, type AccessTokenClaims } from './claims.js';
import { assertIssuerIdentifier, discoverMetadata, type DiscoveredMetadata } from './discovery.js';
import { UpstreamError } from './fetch-json.js';
import { basicAuthorization, introspect, type IntrospectionCredentials } from './introspection.js';
import { ASYMMETRIC_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './jws-algorithms.js';
import { FixedKeys, RemoteKeys, type KeySource } from './key-source.js';
import { frozenClaims, VerifiedTokenCache } from './verified-token-cache.js';

export type { AsymmetricAlgorithm };

/** Options of {@link createBearerVerifier}. */
export interface BearerVerifierOptions {
  /**
   * The authorization server's issuer identifier, exactly as in its metadata and in the tokens'
   * `iss` ({@link https://www.rfc-editor.org/rfc/rfc8414#section-2 RFC 8414 §2}).
   */
  issuer: string;
  /** This resource's identifier; tokens must carry it in `aud` (RFC 9068 §4). */
  audience: string;
  /** The `realm` of the `WWW-Authenticate` challenges (RFC 6750 §3). Default: the audience. */
  realm?: string;
  /**
   * The URL of this resource's protected-resource metadata document (RFC 9728 §3; see
   * `protectedResourceMetadata`): every `WWW-Authenticate` challenge then carries it as
   * `resource_metadata` (RFC 9728 §5.1), which is how MCP clients find the authorization server.
   */
  resourceMetadata?: string;
  /**
   * This resource's client credentials at the authorization server. When set, tokens that are
   * not JWTs are checked by RFC 7662 introspection (client_secret_basic); when not, they are
   * refused.
   */
  introspection?: IntrospectionCredentials;
  /**
   * Opt-in revocation check: after a JWT access token verifies locally, ask the authorization
   * server whether it is still active (RFC 7662 introspection, with `introspection`'s
   * credentials), so that a revoked grant, a deleted user or client, or withdrawn consent stops
   * working here at once instead of at the token's `exp`. `true`, or `{ cacheMs }`: how long an
   * "active" answer is reused for the same token (default 5,000 ms, at most 10,000 ms); an
   * "inactive" answer is kept until the token expires. Costs one request to the server per token
   * per `cacheMs`.
   */
  checkRevocation?: boolean | { cacheMs?: number };
  /**
   * How many verified JWT access tokens to remember, by the exact token string, so that the same
   * token presented again skips the signature check. Only tokens that verified enter; each is
   * used until its `exp` at most (checked against the clock on every use, with `nbf`); the least
   * recently used goes when the cache is full. Required scopes are checked on every request, and
   * the revocation check (`checkRevocation`) runs on every request as well, so a cached token is
   * refused at most `cacheMs` after the authorization server last said it was active, exactly as
   * without this cache. Default 4,096 (a few MB at most); 0 turns the cache off.
   */
  tokenCacheSize?: number;
  /** Leeway for `exp` and `nbf`, for clocks that drift apart. Default 5 seconds. */
  clockToleranceSeconds?: number;
  /** Accepted signing algorithms. Default: every asymmetric JWS algorithm (RFC 7518, RFC 8037). */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * The authorization server's public keys, to use instead of fetching `jwks_uri` (tests,
   * air-gapped deployments). Keys are then never refetched.
   */
  jwks?: JSONWebKeySet;
  /**
   * After a JWKS fetch, how long a token with an unknown `kid` is refused before the keys may
   * be fetched again (so forged kids cannot make the resource hammer the server). Default 30 s.
   */
  jwksCooldownMs?: number;
  /** How long fetched keys are used before they are fetched again. Default 10 minutes. */
  jwksMaxAgeMs?: number;
  /** Timeout of each request to the authorization server. Default 5 seconds. */
  httpTimeoutMs?: number;
  /** Time source for `exp`/`nbf` checks, in seconds since the epoch. Default: the system clock. */
  clock?: { nowSeconds(): number };
}

/**
 * Checks the bearer token of a request. Create one per protected resource and keep it: it
 * caches the issuer's metadata and keys.
 */
export interface BearerVerifier {
  readonly issuer: string;
  readonly audience: string;
  /**
   * Resolves with the token's claims, or rejects with a {@link BearerError}
   * ({@link https://www.rfc-editor.org/rfc/rfc6750#section-3.1 RFC 6750 §3.1}):
   * no header → 401 bare challenge; malformed header → 400 `invalid_request`; a token that is
   * invalid, expired, forged, or not for this issuer and audience → 401 `invalid_token`; a
   * valid token without every scope of `requiredScopes` → 403 `insufficient_scope`; the
   * authorization server unreachable → 503 `temporarily_unavailable`.
   *
   * @param authorization The request's `Authorization` header, as received.
   * @param requiredScopes Scopes the token must all have; `[]` accepts any valid token.
   */
  verify(authorization: string | undefined, requiredScopes: readonly string[]): Promise<AccessTokenClaims>;
}

/** JWS compact serialization has exactly two dots (RFC 7515 §7.1); anything else is opaque. */
function isJwt(token: string): boolean {
  const first = token.indexOf('.');
  if (first < 0) return false;
  const second = token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) < 0;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number, got ${value}.`);
  return value;
}

/**
 * Introspection answers of the revocation check, by token: "active" for a few seconds, "inactive"
 * until the token expires. Bounded, so that many tokens cannot grow it without limit.
 */
class RevocationCache {
  private static readonly MAX_ENTRIES = 10_000;
  private readonly entries = new Map<string, { active: boolean; untilMs: number }>();

  constructor(private readonly activeForMs: number) {}

  get(key: string, nowMs: number): boolean | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.untilMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.active;
  }

  set(key: string, active: boolean, nowMs: number, expiresAtMs: number): void {
    if (this.entries.size >= RevocationCache.MAX_ENTRIES) {
      // The oldest entry goes first (a Map keeps insertion order).
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { active, untilMs: active ? Math.min(nowMs + this.activeForMs, expiresAtMs) : expiresAtMs });
  }
}

class CachingBearerVerifier implements BearerVerifier {
  readonly issuer: string;
  readonly audience: string;
  private readonly challenges: BearerChallenges;
  /** What every JWT access token must agree with (RFC 9068 §4). */
  private readonly rules: AccessTokenRules;
  private readonly clockToleranceSeconds: number;
  private readonly httpTimeoutMs: number;
  private readonly jwksCooldownMs: number;
  private readonly jwksMaxAgeMs: number;
  private readonly clock: { nowSeconds(): number } | undefined;
  private readonly introspectionAuthorization: string | undefined;
  private readonly revocation: RevocationCache | undefined;
  private readonly tokens: VerifiedTokenCache | undefined;
  /** Set once: from `jwks`, or from the discovered `jwks_uri`. */
  private keys: KeySource | undefined;
  /** Discovery in flight or done; cleared on failure so that the next request tries again. */
  private metadata: Promise<DiscoveredMetadata> | undefined;
  /** Whole seconds since the epoch, as jose and RFC 7519 §2 NumericDate comparisons use them. */
  private readonly nowSeconds = (): number => Math.floor(this.clock?.nowSeconds() ?? Date.now() / 1000);

  constructor(options: BearerVerifierOptions) {
    assertIssuerIdentifier(options.issuer);
    if (typeof options.audience !== 'string' || options.audience === '') throw new TypeError('audience must be a non-empty string.');
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.challenges = new BearerChallenges(options.realm ?? options.audience, options.resourceMetadata);
    this.clockToleranceSeconds = nonNegative(options.clockToleranceSeconds, 5, 'clockToleranceSeconds');
    this.httpTimeoutMs = Math.round(nonNegative(options.httpTimeoutMs, 5000, 'httpTimeoutMs'));
    this.jwksCooldownMs = nonNegative(options.jwksCooldownMs, 30_000, 'jwksCooldownMs');
    this.jwksMaxAgeMs = nonNegative(options.jwksMaxAgeMs, 600_000, 'jwksMaxAgeMs');
    this.clock = options.clock;
    const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
    // Checked at run time too: a JavaScript caller (or a cast) could still pass HS256 or none.
    for (const alg of algorithms) {
      if (!isAsymmetricAlgorithm(alg)) throw new TypeError(`algorithm ${String(alg)} is not an asymmetric JWS algorithm.`);
    }
    if (algorithms.length === 0) throw new TypeError('algorithms must name at least one algorithm.');
    this.rules = Object.freeze({
      algorithms: new Set(algorithms),
      // RFC 9068 §4: iss MUST exactly match the issuer; aud MUST contain this resource.
      issuer: options.issuer,
      audience: options.audience,
      clockToleranceSeconds: this.clockToleranceSeconds,
    });
    const cacheSize = nonNegative(options.tokenCacheSize, 4096, 'tokenCacheSize');
    if (!Number.isInteger(cacheSize)) throw new TypeError(`tokenCacheSize must be a whole number, got ${cacheSize}.`);
    if (cacheSize > 0) this.tokens = new VerifiedTokenCache(cacheSize);
    if (options.jwks !== undefined) this.keys = new FixedKeys(options.jwks);
    this.introspectionAuthorization = options.introspection === undefined ? undefined : basicAuthorization(options.introspection);
    if (options.checkRevocation !== undefined && options.checkRevocation !== false) {
      if (this.introspectionAuthorization === undefined) throw new TypeError('checkRevocation needs introspection credentials.');
      const cacheMs = options.checkRevocation === true ? undefined : options.checkRevocation.cacheMs;
      this.revocation = new RevocationCache(Math.min(10_000, nonNegative(cacheMs, 5_000, 'checkRevocation.cacheMs')));
    }
  }

  async verify(authorization: string | undefined, requiredScopes: readonly string[]): Promise<AccessTokenClaims> {
    const token = bearerTokenFrom(authorization, this.challenges, requiredScopes);
    let claims: AccessTokenClaims;
    if (isJwt(token)) {
      claims = this.cachedClaims(token) ?? await this.verifyJwt(token);
      if (this.revocation !== undefined && this.introspectionAuthorization !== undefined) {
        await this.checkStillActive(token, claims, this.introspectionAuthorization, this.revocation);
      }
    }
    else if (this.introspectionAuthorization !== undefined) claims = await this.verifyByIntrospection(token, this.introspectionAuthorization);
    else throw this.challenges.invalidToken('This resource accepts only JWT access tokens (RFC 9068); the token is not a JWT.');
    // RFC 6750 §3.1: a valid token without the scope the request needs is 403 insufficient_scope.
    for (const scope of requiredScopes) {
      if (!claims.scopes.includes(scope)) throw this.challenges.insufficientScope(requiredScopes);
    }
    return claims;
  }

  /**
   * A token verified before, if it is still within its time window now: the same exp and nbf
   * checks as a first verification, against the clock of this request.
   */
  private cachedClaims(token: string): AccessTokenClaims | undefined {
    const entry = this.tokens?.get(token);
    if (entry === undefined) return undefined;
    const now = this.nowSeconds();
    if (entry.claims.expiresAt <= now - this.clockToleranceSeconds) {
      // Verified again below, which refuses it as expired.
      this.tokens?.delete(token);
      return undefined;
    }
    if (entry.notBefore !== undefined && entry.notBefore > now + this.clockToleranceSeconds) return undefined;
    // The key that verified it must still be published, unchanged, and the keys not due for a
    // refetch: a key the server withdrew (rotation after a leak) stops its cached tokens as soon
    // as the keys are fetched again, as it would without this cache.
    if (this.keys?.current(entry.alg, entry.kid) !== entry.key) return undefined;
    return entry.claims;
  }

  private async verifyJwt(token: string): Promise<AccessTokenClaims> {
    try {
      const keys = this.keys ?? await this.remoteKeys();
      const { claims, alg, kid, key } = await verifyAccessTokenJwt(token, keys, this.rules, this.nowSeconds);
      const frozen = frozenClaims(claims);
      const nbf = frozen.raw.nbf;
      this.tokens?.set(token, { claims: frozen, notBefore: typeof nbf === 'number' ? nbf : undefined, alg, kid, key });
      return frozen;
    } catch (error) {
      throw this.failure(error);
    }
  }

  private async verifyByIntrospection(token: string, authorization: string): Promise<AccessTokenClaims> {
    try {
      const { introspectionEndpoint } = await this.discovered();
      if (introspectionEndpoint === undefined) {
        throw new UpstreamError('authorization server metadata has no introspection_endpoint (RFC 8414 section 2).');
      }
      const response = await introspect(introspectionEndpoint, authorization, token, this.httpTimeoutMs);
      return claimsFromIntrospection(response, {
        issuer: this.issuer,
        audience: this.audience,
        nowSeconds: this.clock?.nowSeconds() ?? Date.now() / 1000,
        clockToleranceSeconds: this.clockToleranceSeconds,
      });
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * The opt-in revocation check of a locally verified JWT: the server's introspection answer,
   * reused for a few seconds. Inactive (revoked, or not shown to this resource) is 401.
   */
  private async checkStillActive(token: string, claims: AccessTokenClaims, authorization: string, cache: RevocationCache): Promise<void> {
    const nowMs = (this.clock?.nowSeconds() ?? Date.now() / 1000) * 1000;
    const key = `${claims.tokenId}.${token.slice(token.lastIndexOf('.') + 1)}`;
    let active = cache.get(key, nowMs);
    if (active === undefined) {
      try {
        const { introspectionEndpoint } = await this.discovered();
        if (introspectionEndpoint === undefined) {
          throw new UpstreamError('authorization server metadata has no introspection_endpoint (RFC 8414 section 2).');
        }
        const response = await introspect(introspectionEndpoint, authorization, token, this.httpTimeoutMs);
        active = response.active === true;
      } catch (error) {
        throw this.failure(error);
      }
      cache.set(key, active, nowMs, claims.expiresAt * 1000);
    }
    if (!active) throw this.challenges.invalidToken('The access token has been revoked.');
  }

  /** Creates the JWKS source once, from the discovered `jwks_uri`. */
  private async remoteKeys(): Promise<KeySource> {
    const metadata = await this.discovered();
    if (metadata.jwksUri === undefined) {
      throw new UpstreamError('authorization server metadata has no jwks_uri (RFC 8414 section 2).');
    }
    // Concurrent first requests all get here; the first one's source is kept.
    this.keys ??= new RemoteKeys(metadata.jwksUri, {
      cooldownMs: this.jwksCooldownMs,
      maxAgeMs: this.jwksMaxAgeMs,
      timeoutMs: this.httpTimeoutMs,
    });
    return this.keys;
  }

  private discovered(): Promise<DiscoveredMetadata> {
    if (this.metadata === undefined) {
      const pending = discoverMetadata(this.issuer, this.httpTimeoutMs);
      this.metadata = pending;
      pending.catch(() => {
        if (this.metadata === pending) this.metadata = undefined;
      });
    }
    return this.metadata;
  }

  /** A token problem is 401; anything else (the server down, its keys unreadable) is 503. */
  private failure(error: unknown): BearerError {
    if (error instanceof UnusableClaims) return this.challenges.invalidToken(error.description);
    return this.challenges.unavailable(error);
  }
}

/**
 * Creates a {@link BearerVerifier} for one resource of one authorization server. JWT access tokens
 * ({@link https://www.rfc-editor.org/rfc/rfc9068 RFC 9068}) are verified locally with the keys at
 * the `jwks_uri` of the issuer's metadata
 * ({@link https://www.rfc-editor.org/rfc/rfc8414#section-3 RFC 8414 §3}); other tokens are
 * introspected ({@link https://www.rfc-editor.org/rfc/rfc7662 RFC 7662}) when `introspection`
 * credentials are given. Nothing is fetched until the first request.
 *
 * @throws TypeError when an option is invalid (an issuer that is not an RFC 8414 issuer
 *   identifier, a symmetric algorithm, a negative duration).
 */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  return new CachingBearerVerifier(options);
}

const verifiers = new WeakMap<BearerVerifierOptions, BearerVerifier>();

/**
 * Verifies a request's bearer token in one call: the verifier of `options` is created on first
 * use and reused for later calls with the same options object, so define the options once (at
 * module scope), not per request. See {@link BearerVerifier.verify} for the outcomes.
 */
export function verifyBearer(
  authorization: string | undefined,
  requiredScopes: readonly string[],
  options: BearerVerifierOptions,
): Promise<AccessTokenClaims> {
  let verifier = verifiers.get(options);
  if (verifier === undefined) {
    verifier = createBearerVerifier(options);
    verifiers.set(options, verifier);
  }
  return verifier.verify(authorization, requiredScopes);
}
