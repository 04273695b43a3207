import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../core/clock.js';
import { InsufficientScope, InvalidToken } from '../core/errors.js';
import type { KeyedHash } from '../core/secret-hash.js';
import type { PublicJwks } from '../keys/key-ring.js';
import { SIGNING_ALGS, type TokenStore, type UserStore } from '../store/types.js';
import { releasedClaimNames, selectClaims } from './claims-selection.js';
import { USERINFO_CLAIMS_CLAIM } from './openid-grant-tokens.js';

export interface UserInfoDependencies {
  readonly issuer: string;
  /** The default audience of access tokens (settings.audience). */
  readonly audience: string;
  readonly keys: { readonly jwks: PublicJwks };
  readonly users: Pick<UserStore, 'getById'>;
  /** Where a revoked token is known; a token it does not hold (purged) is judged by its signature and exp alone. */
  readonly tokens: Pick<TokenStore, 'find'>;
  readonly tokenHash: KeyedHash;
  readonly clock: Clock;
}

/**
 * The verification key set of each published JWKS: the ring replaces its JWKS object when the keys
 * change, so keys are imported once per change rather than at every request.
 */
const keySets = new WeakMap<PublicJwks, ReturnType<typeof createLocalJWKSet>>();

function keySetOf(jwks: PublicJwks): ReturnType<typeof createLocalJWKSet> {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    keySets.set(jwks, keySet);
  }
  return keySet;
}

/** The path of the UserInfo endpoint, under the issuer. */
export const USERINFO_PATH = '/userinfo';

/**
 * The audiences UserInfo accepts: access tokens meant for this server, i.e. the issuer, the
 * default audience (the issuer unless configured) or the UserInfo URL. A token meant for a
 * registered API is refused: that API could otherwise read, with its callers' tokens, claims the
 * user released to the client only (RFC 9068 §4: a token is used only where its aud says).
 */
export function userInfoAudiences(issuer: string, audience: string): string[] {
  return [...new Set([issuer, audience, `${issuer}${USERINFO_PATH}`])];
}

/**
 * OpenID Connect Core §5.3: the claims about the user an access token allows. The token is a
 * JWT of this server (RFC 9068), checked for signature, iss, typ, exp and aud, not revoked, for a
 * user who still exists; its scope must have openid (else 403 insufficient_scope, RFC 6750 §3.1).
 * The answer holds `sub` (Core §5.3.2: MUST, equal to the ID token's) and the claims of the
 * token's scope (Core §5.4) and of the claims parameter's userinfo member (Core §5.5).
 */
export async function userInfoClaims(accessToken: string, deps: UserInfoDependencies): Promise<Record<string, unknown>> {
  const realm = deps.issuer;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(accessToken, keySetOf(deps.keys.jwks), {
      issuer: deps.issuer, typ: 'at+jwt', algorithms: [...SIGNING_ALGS],
      audience: userInfoAudiences(deps.issuer, deps.audience), currentDate: new Date(deps.clock.nowSeconds() * 1000),
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new InvalidToken(realm, 'The access token has expired.');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') throw new InvalidToken(realm, 'The access token is not meant for UserInfo.');
    throw new InvalidToken(realm, 'The access token is invalid.');
  }
  const record = await deps.tokenHash.find(accessToken, (hash) => deps.tokens.find(hash));
  if (record && (record.revokedAt !== null || record.kind !== 'access_token')) throw new InvalidToken(realm, 'The access token has been revoked.');
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  // Core §5.3: UserInfo is an OpenID Connect resource; a token without openid is not for it.
  if (!scope.includes('openid')) throw new InsufficientScope(realm, 'The access token lacks the openid scope.', 'openid');
  const user = typeof payload.sub === 'string' ? await deps.users.getById(payload.sub) : undefined;
  if (!user) throw new InvalidToken(realm, 'The user of this access token no longer exists.');
  const requested = payload[USERINFO_CLAIMS_CLAIM];
  const names = releasedClaimNames(scope, Array.isArray(requested) ? requested.filter((name): name is string => typeof name === 'string') : []);
  return { sub: user.id, ...selectClaims(user.claims, names) };
}
