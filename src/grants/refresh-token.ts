import { InvalidGrant, InvalidRequest, InvalidScope } from '../core/errors.js';
import { parseScope } from '../core/scope.js';
import { hashSecret } from '../core/tokens.js';
import { defineGrant, type GrantContext } from './types.js';

interface RefreshRequest {
  refreshToken: string;
  scope: string[];
}

/**
 * RFC 6749 §6, with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and
 * retires the old one; presenting a retired one revokes the whole family.
 */
export const refreshTokenGrant = defineGrant<RefreshRequest>({
  grantType: 'refresh_token',
  clientAuthentication: 'any',
  parse({ params }) {
    if (params.refresh_token === undefined) throw new InvalidRequest('refresh_token is required.');
    return { refreshToken: params.refresh_token, scope: parseScope(params.scope) };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'tokens' | 'users' | 'tokenIssuer' | 'clock'>) {
    const hash = hashSecret(request.refreshToken);
    const record = await ctx.tokens.find(hash);
    // RFC 6749 §6: the refresh token must be bound to the authenticated client.
    if (!record || record.kind !== 'refresh_token' || record.clientId !== client.clientId) {
      throw new InvalidGrant('The refresh token is invalid, expired, revoked or was issued to another client.');
    }
    // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
    const widened = request.scope.filter((scope) => !record.scope.includes(scope));
    if (widened.length > 0) throw new InvalidScope('The requested scope is wider than the scope granted to the refresh token.');
    if (record.userId !== null && !(await ctx.users.getById(record.userId))) {
      throw new InvalidGrant('The user of this refresh token no longer exists.');
    }
    const minted = await ctx.tokenIssuer.mint({
      client, userId: record.userId, scope: request.scope.length > 0 ? request.scope : record.scope, refreshScope: record.scope,
      audience: record.audience, familyId: record.familyId, withRefreshToken: true,
    });
    const result = await ctx.tokens.rotateRefreshToken(hash, client.clientId, ctx.clock.nowSeconds(), minted.records);
    if (result.outcome === 'reused') {
      throw new InvalidGrant('This refresh token was already used; every token of its grant is now revoked.');
    }
    if (result.outcome === 'invalid') throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
    return minted.response;
  },
});
