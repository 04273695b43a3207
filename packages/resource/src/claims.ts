import type { JWTPayload } from 'jose';

/**
 * What a verified access token says, whichever way it was verified: the claims of an
 * {@link https://www.rfc-editor.org/rfc/rfc9068#section-2.2 RFC 9068 §2.2} JWT access token, or
 * the same members of an {@link https://www.rfc-editor.org/rfc/rfc7662#section-2.2 RFC 7662 §2.2}
 * introspection response.
 */
export interface AccessTokenClaims {
  /** `iss`: the authorization server that issued the token. */
  readonly issuer: string;
  /** `sub`: the user the token acts for, or the client itself when there is no user (RFC 9068 §2.2). */
  readonly subject: string;
  /** `aud`, always as a list: the resources the token is meant for; this resource is one of them. */
  readonly audience: readonly string[];
  /** `client_id`: the client the token was issued to (RFC 8693 §4.3). */
  readonly clientId: string;
  /** `scope`, split on spaces (RFC 6749 §3.3); empty when the token has no scope. */
  readonly scopes: readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** `iat`, in seconds since the epoch. */
  readonly issuedAt: number;
  /** `jti`: unique per token, for replay detection and audit logs. */
  readonly tokenId: string;
  /** `jwt` when the signature was checked locally, `introspection` when the server was asked (RFC 7662). */
  readonly verifiedBy: 'jwt' | 'introspection';
  /** Every claim as received (JWT claims set or introspection response), for the claims not named above. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Why a set of claims cannot be used; the caller turns it into 401 invalid_token. */
export class UnusableClaims extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'UnusableClaims';
  }
}

const NO_SCOPES: readonly string[] = Object.freeze([]);

/** RFC 6749 §3.3: scope is a list of space-delimited tokens. Repeated spaces are tolerated. */
export function splitScope(scope: unknown): readonly string[] {
  if (scope === undefined || scope === '') return NO_SCOPES;
  if (typeof scope !== 'string') throw new UnusableClaims('The access token scope claim must be a string.');
  const scopes = scope.split(' ');
  return scopes.includes('') ? scopes.filter((item) => item !== '') : scopes;
}

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '') {
    throw new UnusableClaims(`The access token ${name} claim must be a non-empty string.`);
  }
  return value;
}

function numberClaim(claims: Readonly<Record<string, unknown>>, name: string): number {
  const value = claims[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnusableClaims(`The access token ${name} claim must be a number.`);
  return value;
}

function unusable(description: string): never {
  throw new UnusableClaims(description);
}

function audienceList(aud: unknown): readonly string[] | undefined {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((item) => typeof item === 'string')) return aud as string[];
  return undefined;
}

/**
 * Maps a JWT claims set already verified (signature, typ, iss, aud, exp, nbf and the presence of
 * every RFC 9068 §2.2 claim, access-token-jwt.ts) to {@link AccessTokenClaims}; what is left to
 * check is the types of the claims that are not dates.
 */
export function claimsFromJwt(payload: JWTPayload): AccessTokenClaims {
  return {
    issuer: payload.iss as string,
    subject: stringClaim(payload, 'sub'),
    audience: audienceList(payload.aud) ?? unusable('The access token aud claim must be a string or a list of strings.'),
    clientId: stringClaim(payload, 'client_id'),
    scopes: splitScope(payload.scope),
    expiresAt: payload.exp as number,
    issuedAt: payload.iat as number,
    tokenId: stringClaim(payload, 'jti'),
    verifiedBy: 'jwt',
    raw: payload,
  };
}

/** What an introspection response must agree with. */
export interface IntrospectionExpectations {
  issuer: string;
  audience: string;
  nowSeconds: number;
  clockToleranceSeconds: number;
}

/**
 * Maps an RFC 7662 §2.2 response to {@link AccessTokenClaims}, holding it to the rules a JWT
 * access token is held to: same issuer, this resource in the audience, not expired, and the
 * RFC 9068 §2.2 claims present.
 */
export function claimsFromIntrospection(response: Readonly<Record<string, unknown>>, expected: IntrospectionExpectations): AccessTokenClaims {
  // RFC 7662 §2.2: active is REQUIRED; anything but true means the token must not be accepted.
  if (response.active !== true) throw new UnusableClaims('The access token is not active: it is unknown, expired or revoked.');
  // A refresh token (or a DPoP-bound token) is also "active"; only a Bearer access token may be used here.
  const tokenType = response.token_type;
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    throw new UnusableClaims('The token is not a Bearer access token.');
  }
  if (response.iss !== undefined && response.iss !== expected.issuer) {
    throw new UnusableClaims('The access token was issued by a different authorization server.');
  }
  const audience = audienceList(response.aud);
  if (audience === undefined || !audience.includes(expected.audience)) {
    throw new UnusableClaims('The access token is not meant for this resource (its audience does not include it).');
  }
  const expiresAt = numberClaim(response, 'exp');
  if (expiresAt <= expected.nowSeconds - expected.clockToleranceSeconds) throw new UnusableClaims('The access token has expired.');
  if (typeof response.nbf === 'number' && response.nbf > expected.nowSeconds + expected.clockToleranceSeconds) {
    throw new UnusableClaims('The access token is not valid yet (nbf).');
  }
  return {
    issuer: expected.issuer,
    subject: stringClaim(response, 'sub'),
    audience,
    clientId: stringClaim(response, 'client_id'),
    scopes: splitScope(response.scope),
    expiresAt,
    issuedAt: numberClaim(response, 'iat'),
    tokenId: stringClaim(response, 'jti'),
    verifiedBy: 'introspection',
    raw: response,
  };
}
