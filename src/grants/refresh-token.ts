import { isSelfService } from '../core/audience.js';
import { InvalidGrant, InvalidRequest, InvalidScope, InvalidTarget } from '../core/errors.js';
import { parseScope } from '../core/scope.js';
import { addIdToken, findOpenIdGrant, openIdAccessTokenClaims } from '../oidc/openid-grant-tokens.js';
import type { SealedSuccessor } from '../store/types.js';
import { openSuccessor, sealSuccessor } from './refresh-retry.js';
import type { MintedTokens } from './token-issuer.js';
import { defineGrant, type GrantContext } from './types.js';

interface RefreshRequest {
  refreshToken: string;
  scope: string[];
  resources: readonly string[];
  remoteAddress: string;
  requestId: string | undefined;
}

/**
 * RFC 6749 §6, with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and
 * retires the old one; presenting a retired one revokes the whole family. Except a retry: the
 * same client presenting the token it has just rotated, within `settings.refreshRetryWindow` and
 * while the successor is unused, gets the same successor tokens again (parallel requests, or a
 * response lost between commit and reply, must not cost a client its grant).
 */
export const refreshTokenGrant = defineGrant<RefreshRequest>({
  grantType: 'refresh_token',
  clientAuthentication: 'any',
  parse({ params, resources, remoteAddress, requestId }) {
    if (params.refresh_token === undefined) throw new InvalidRequest('refresh_token is required.');
    return { refreshToken: params.refresh_token, scope: parseScope(params.scope), resources, remoteAddress, requestId };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'tokens' | 'users' | 'tokenIssuer' | 'clock' | 'settings' | 'resourceServers' | 'hashing' | 'audit' | 'openIdGrants' | 'idTokens'>) {
    const record = await ctx.hashing.tokens.find(request.refreshToken, (candidate) => ctx.tokens.find(candidate));
    const hash = record?.hash ?? '';
    // RFC 6749 §6: the refresh token must be bound to the authenticated client.
    if (!record || record.kind !== 'refresh_token' || record.clientId !== client.clientId) {
      throw new InvalidGrant('The refresh token is invalid, expired, revoked or was issued to another client.');
    }
    // RFC 8707 §2.2: a resource named at the token endpoint is the target of the new access token;
    // a grant's tokens have one audience, so any other is refused.
    if (request.resources.length > 0 && (request.resources.length > 1 || request.resources[0] !== record.audience)) {
      throw new InvalidTarget('The resource does not match the audience of this grant.');
    }
    // The audience must still be one the client may ask for (as at the start of a grant,
    // core/audience.ts): an administrator who removes an API from a client ends its grants for
    // that API at their next refresh, rather than leaving them to rotate forever.
    const api = await ctx.resourceServers.get(record.audience);
    // A self-service client may use any registered API (core/audience.ts), so for it the API's
    // removal from the registry is what ends the grant.
    const mayUse = record.audience === ctx.settings.audience || client.resources.includes(record.audience) || (isSelfService(client) && api !== undefined);
    if (!mayUse) {
      throw new InvalidGrant('The client may no longer obtain tokens for the audience of this grant.');
    }
    // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
    const widened = request.scope.filter((scope) => !record.scope.includes(scope));
    if (widened.length > 0) throw new InvalidScope('The requested scope is wider than the scope granted to the refresh token.');
    // At most what the client is registered for now: an administrator who narrowed a client's
    // scope narrows what its refresh tokens yield from their next use (RFC 6749 §3.3: the server
    // may issue less than requested, and then says so in the response's scope).
    const requested = request.scope.length > 0 ? request.scope : record.scope;
    // Likewise the scope of the registered API the token is meant for, when it declares one.
    const apiScope = api?.scope ?? [];
    const permitted = (name: string): boolean => client.scope.includes(name) && (apiScope.length === 0 || apiScope.includes(name));
    const scope = requested.filter(permitted);
    if (requested.length > 0 && scope.length === 0) {
      // Nothing is left. Asked for a scope: that scope is what is refused (RFC 6749 §5.2
      // invalid_scope). Asked for none: the refresh token itself authorizes nothing this client
      // may still have, so it is no longer a valid grant for it (§5.2 invalid_grant).
      if (request.scope.length > 0) throw new InvalidScope('The client is no longer registered for the requested scope.');
      throw new InvalidGrant('The client is no longer registered for any scope of this refresh token.');
    }
    const user = record.userId === null ? undefined : await ctx.users.getById(record.userId);
    if (record.userId !== null && !user) {
      throw new InvalidGrant('The user of this refresh token no longer exists.');
    }
    const openIdGrant = await findOpenIdGrant({ client, userId: record.userId, familyId: record.familyId, scope }, ctx);
    const minted = await ctx.tokenIssuer.mint({
      // RFC 6749 §6: a new refresh token's scope MUST be identical to the presented one's.
      client, userId: record.userId, scope, refreshScope: record.scope,
      audience: record.audience, familyId: record.familyId, withRefreshToken: true,
      extraClaims: openIdAccessTokenClaims(openIdGrant),
    });
    // OpenID Connect Core §12.2: refreshing an OpenID grant returns a new ID token (same iss, sub,
    // aud, auth_time; no nonce). Added before the rotation so that a retry gets the same one.
    if (user) await addIdToken(minted.response, { client, user, grant: openIdGrant, refresh: true }, ctx);
    const now = ctx.clock.nowSeconds();
    const result = await ctx.tokens.rotateRefreshToken(hash, client.clientId, now, minted.records,
      successorFor(request.refreshToken, client.clientId, minted, now, ctx.settings.refreshRetryWindow));
    if (result.outcome === 'retried') {
      const again = openSuccessor(request.refreshToken, client.clientId, result.sealed, now);
      // A retry hands out what was issued then, so only while all of that is still permitted.
      if (!again || !parseScope(again.scope).every(permitted)) {
        throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
      }
      return again;
    }
    if (result.outcome === 'reused') {
      ctx.audit?.record({ event: 'refresh_token.reuse_detected', clientId: client.clientId, userId: record.userId ?? undefined, address: request.remoteAddress, requestId: request.requestId });
      throw new InvalidGrant('This refresh token was already used; every token of its grant is now revoked.');
    }
    if (result.outcome === 'invalid') throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
    return minted.response;
  },
});

/**
 * The successor kept for retries of this rotation: for `window` seconds, and never past the new
 * access token's expiry (a retry gets the same access token, with its remaining lifetime).
 * Undefined when retries are disabled (window 0).
 */
function successorFor(
  presented: string, clientId: string, minted: MintedTokens, now: number, window: number,
): SealedSuccessor | undefined {
  const access = minted.accessToken;
  if (window <= 0) return undefined;
  return {
    sealed: sealSuccessor(presented, clientId, minted.response, access.expiresAt),
    until: Math.min(now + window, access.expiresAt),
    accessTokenId: access.jti,
  };
}
