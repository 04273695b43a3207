import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../core/clock.js';
import { InsufficientScope, InvalidToken } from '../core/errors.js';
import type { KeyedHash } from '../core/secret-hash.js';
import type { PublicJwks } from '../keys/key-ring.js';
import { publishedKeySet } from '../keys/published-key-set.js';
import { SIGNING_ALGS, type AccessTokenDenyList, type TokenStore, type UserStore } from '../store/types.js';
import { GRANT_FAMILY_CLAIM } from '../grants/token-issuer.js';
import { releasedClaimNames, selectClaims } from './claims-selection.js';
import { USERINFO_CLAIMS_CLAIM } from './openid-grant-tokens.js';

export interface UserInfoDependencies {
  readonly issuer: string;
  /** The default audience of access tokens (settings.audience). */
  readonly audience: string;
  readonly keys: { readonly jwks: PublicJwks };
  readonly users: Pick<UserStore, 'getById'>;
  /**
   * Access tokens are not stored (DESIGN.md): the deny list says whether the token, its grant family,
   * or its user's or client's grants were ended. A token of an earlier version (no grant family)
   * is judged by the row that version stored.
   */
  readonly denials: Pick<AccessTokenDenyList, 'isDenied'>;
  readonly tokens: Pick<TokenStore, 'find'>;
  readonly tokenHash: KeyedHash;
  readonly clock: Clock;
}

/** RFC 7009: a revoked token, or one of an ended grant, is refused like an unknown one. */
async function isLive(accessToken: string, payload: JWTPayload, deps: UserInfoDependencies): Promise<boolean> {
  const family = payload[GRANT_FAMILY_CLAIM];
  if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string' || typeof payload.client_id !== 'string' || typeof payload.iat !== 'number') return false;
  const familyId = typeof family === 'string' ? family : null;
  if (await deps.denials.isDenied({ jti: payload.jti, familyId, subject: payload.sub, clientId: payload.client_id, issuedAt: payload.iat })) return false;
  if (familyId !== null) return true;
  const record = await deps.tokenHash.find(accessToken, (hash) => deps.tokens.find(hash));
  return record !== undefined && record.kind === 'access_token' && record.revokedAt === null;
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
    ({ payload } = await jwtVerify(accessToken, publishedKeySet(deps.keys.jwks), {
      issuer: deps.issuer, typ: 'at+jwt', algorithms: [...SIGNING_ALGS],
      audience: userInfoAudiences(deps.issuer, deps.audience), currentDate: new Date(deps.clock.nowSeconds() * 1000),
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new InvalidToken(realm, 'The access token has expired.');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') throw new InvalidToken(realm, 'The access token is not meant for UserInfo.');
    throw new InvalidToken(realm, 'The access token is invalid.');
  }
  if (!await isLive(accessToken, payload, deps)) throw new InvalidToken(realm, 'The access token has been revoked.');
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  // Core §5.3: UserInfo is an OpenID Connect resource; a token without openid is not for it.
  if (!scope.includes('openid')) throw new InsufficientScope(realm, 'The access token lacks the openid scope.', 'openid');
  // A token the client got for itself (client_credentials) has its client_id as sub and no user:
  // UserInfo is about an end-user (Core §5.3), so it is not a token for this resource. 401
  // invalid_token ("invalid for other reasons", RFC 6750 §3.1), as for a token of another
  // audience: no scope would make it acceptable, so 403 insufficient_scope would mislead. Never
  // looked up as a user id, which a client_id might equal.
  if (payload.sub === payload.client_id) throw new InvalidToken(realm, 'The access token was not issued for a user.');
  const user = typeof payload.sub === 'string' ? await deps.users.getById(payload.sub) : undefined;
  if (!user) throw new InvalidToken(realm, 'The user of this access token no longer exists.');
  const requested = payload[USERINFO_CLAIMS_CLAIM];
  const names = releasedClaimNames(scope, Array.isArray(requested) ? requested.filter((name): name is string => typeof name === 'string') : []);
  return { sub: user.id, ...selectClaims(user.claims, names) };
}
