import { isUtf8 } from 'node:buffer';
import { verify as verifySignature } from 'node:crypto';
import { claimsFromJwt, UnusableClaims, type AccessTokenClaims } from './claims.js';
import { UpstreamError } from './fetch-json.js';
import { isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './jws-algorithms.js';
import { isPlainObject, type KeySelection, type VerificationKey } from './key-set.js';
import type { KeySource } from './key-source.js';

/**
 * RFC 9068 §4 validation of a JWT access token, in the order jose's `jwtVerify` checks (so that
 * a token refused before is refused here for the same reason): the JWS (RFC 7515), its signature
 * with `node:crypto` on a cached `KeyObject`, then the claims. A refusal throws
 * {@link UnusableClaims} (401 invalid_token); keys that cannot be had throw {@link UpstreamError}
 * (503).
 */

/** A verified token: its claims, and the key that verified it (for {@link KeySource.current}). */
export interface VerifiedAccessToken {
  readonly claims: AccessTokenClaims;
  readonly alg: AsymmetricAlgorithm;
  readonly kid: unknown;
  readonly key: VerificationKey;
}

/** What a token must agree with. */
export interface AccessTokenRules {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: ReadonlySet<AsymmetricAlgorithm>;
  readonly clockToleranceSeconds: number;
}

/**
 * The longest token verified: far above any real access token (Tessera's are under 1 KB), and
 * the size of Node's whole default header limit, so that a caller handing this library a huge
 * string directly costs no more than a bounded decode.
 */
export const MAX_TOKEN_LENGTH = 16_384;

const MALFORMED = 'The access token is not a well-formed signed JWT.';
const BAD_ALGORITHM = 'The access token is not signed with an algorithm this resource accepts (RFC 9068 section 4).';
const NO_KEY = 'The access token is not signed with a key the authorization server publishes.';
const BAD_SIGNATURE = 'The access token signature is invalid.';
const BAD_TYP = 'The token is not a JWT access token: its typ header must be at+jwt (RFC 9068 section 4).';

// RFC 7515 §2 and RFC 7515 Appendix C: base64url without padding. A length of 4n+1 is no encoding.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * UTF-8 text, refusing invalid sequences instead of replacing them (RFC 8259 §8.1), and dropping
 * a leading byte order mark as jose's TextDecoder does.
 */
function utf8(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new UnusableClaims(MALFORMED);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function base64url(part: string): Buffer {
  if (part.length % 4 === 1 || !BASE64URL.test(part)) throw new UnusableClaims(MALFORMED);
  return Buffer.from(part, 'base64url');
}

/** A base64url JSON object (RFC 7515 §7.1); anything else is malformed. */
function jsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    // RFC 8259 §8.1: JSON is UTF-8; invalid sequences are refused, not replaced.
    value = JSON.parse(utf8(base64url(part)));
  } catch {
    throw new UnusableClaims(MALFORMED);
  }
  if (!isPlainObject(value)) throw new UnusableClaims(MALFORMED);
  return value;
}

/** RFC 7515 §4.1.9 and RFC 9068 §4: typ is a media type, compared case-insensitively, "application/" optional. */
function isAccessTokenType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return lower === 'at+jwt' || lower === 'application/at+jwt';
}

function audienceIncludes(aud: unknown, audience: string): boolean {
  if (typeof aud === 'string') return aud === audience;
  return Array.isArray(aud) && aud.includes(audience);
}

function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  // RFC 7519 §2: a NumericDate is a number; 1e400 parses to Infinity, which is no date.
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnusableClaims(`The access token ${name} claim is invalid.`);
  return value;
}

// RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED. Checked in jose's order.
const REQUIRED_CLAIMS = ['iss', 'aud', 'jti', 'client_id', 'sub', 'iat', 'exp'] as const;

function checkSignature(key: VerificationKey, signingInput: string, signature: Buffer): void {
  let valid: boolean;
  try {
    valid = verifySignature(key.digest, Buffer.from(signingInput, 'latin1'), key.key, signature);
  } catch {
    // A signature of the wrong length for the key (ieee-p1363 wants exactly 2n bytes) throws.
    valid = false;
  }
  if (!valid) throw new UnusableClaims(BAD_SIGNATURE);
}

function keyFrom(selection: KeySelection): VerificationKey {
  if (typeof selection === 'object') return selection;
  if (selection === 'unusable') throw new UpstreamError('JWKS: the key for this token cannot be used (private, malformed, or an RSA key under 2048 bits).');
  throw new UnusableClaims(NO_KEY);
}

/** The claims after the signature: RFC 9068 §4 steps, then the types of RFC 9068 §2.2. */
function checkedClaims(header: Record<string, unknown>, payload: string, rules: AccessTokenRules, nowSeconds: number): AccessTokenClaims {
  const claims = jsonObject(payload);
  // RFC 9068 §4: the resource server MUST verify that typ is "at+jwt" or "application/at+jwt".
  if (!isAccessTokenType(header.typ)) throw new UnusableClaims(BAD_TYP);
  for (const claim of REQUIRED_CLAIMS) {
    if (!Object.hasOwn(claims, claim)) throw new UnusableClaims(`The access token lacks the ${claim} claim RFC 9068 section 2.2 requires.`);
  }
  // RFC 9068 §4: iss MUST exactly match the issuer identifier (RFC 8414 §2).
  if (claims.iss !== rules.issuer) throw new UnusableClaims('The access token was issued by a different authorization server.');
  // RFC 9068 §4: aud MUST contain this resource's identifier.
  if (!audienceIncludes(claims.aud, rules.audience)) {
    throw new UnusableClaims('The access token is not meant for this resource (its audience does not include it).');
  }
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  // RFC 7519 §4.1.5: not accepted before nbf; RFC 7519 §4.1.4: nor on or after exp (both with leeway).
  if (nbf !== undefined && nbf > nowSeconds + rules.clockToleranceSeconds) throw new UnusableClaims('The access token is not valid yet (nbf).');
  const exp = numericDate(claims, 'exp') as number;
  if (exp <= nowSeconds - rules.clockToleranceSeconds) throw new UnusableClaims('The access token has expired.');
  return claimsFromJwt(claims);
}

/**
 * Verifies a JWS compact serialization (exactly two dots, already checked) as an RFC 9068 access
 * token. Synchronous when the key is at hand, which is the hot path.
 *
 * @param nowSeconds whole seconds since the epoch, as jose floors them.
 */
export function verifyAccessTokenJwt(token: string, keys: KeySource, rules: AccessTokenRules,
  nowSeconds: () => number): VerifiedAccessToken | Promise<VerifiedAccessToken> {
  if (token.length > MAX_TOKEN_LENGTH) throw new UnusableClaims('The access token is too long to be one this resource accepts.');
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  const header = jsonObject(token.slice(0, firstDot));
  // RFC 7515 §4.1.11: a recipient MUST reject a JWS whose crit lists an extension it does not
  // understand. This one understands none, and RFC 9068 tokens use none.
  if (Object.hasOwn(header, 'crit')) throw new UnusableClaims(MALFORMED);
  const { alg, kid } = header;
  if (typeof alg !== 'string' || alg === '') throw new UnusableClaims(MALFORMED);
  // RFC 8725 §3.1: only the algorithms allowed here, never none nor a MAC (RFC 9068 §4).
  if (!isAsymmetricAlgorithm(alg) || !rules.algorithms.has(alg)) throw new UnusableClaims(BAD_ALGORITHM);
  const finish = (selection: KeySelection): VerifiedAccessToken => {
    const key = keyFrom(selection);
    checkSignature(key, token.slice(0, lastDot), base64url(token.slice(lastDot + 1)));
    return { claims: checkedClaims(header, token.slice(firstDot + 1, lastDot), rules, nowSeconds()), alg, kid, key };
  };
  const selection = keys.select(alg, kid);
  return selection instanceof Promise ? selection.then(finish) : finish(selection);
}
