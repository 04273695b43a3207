import { InvalidGrant, InvalidRequest, InvalidScope } from '../core/errors.js';
import { parseScope } from '../core/scope.js';
import { hashSecret } from '../core/tokens.js';
import type { TokenGrant } from './types.js';

/**
 * RFC 6749 §6, with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and
 * retires the old one; presenting a retired one revokes the whole family.
 */
export const refreshTokenGrant: TokenGrant = {
  grantType: 'refresh_token',
  async handle(request, client, ctx) {
    const presented = request.params.refresh_token;
    if (presented === undefined) throw new InvalidRequest('refresh_token is required.');
    const hash = hashSecret(presented);
    const record = await ctx.store.tokens.find(hash);
    // RFC 6749 §6: the refresh token must be bound to the authenticated client.
    if (!record || record.kind !== 'refresh_token' || record.clientId !== client.clientId) {
      throw new InvalidGrant('The refresh token is invalid, expired, revoked or was issued to another client.');
    }
    const requested = parseScope(request.params.scope);
    // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
    const widened = requested.filter((scope) => !record.scope.includes(scope));
    if (widened.length > 0) throw new InvalidScope(`The refresh token was not granted: ${widened.join(' ')}.`);
    if (record.userId !== null && !(await ctx.store.users.getById(record.userId))) {
      throw new InvalidGrant('The user of this refresh token no longer exists.');
    }
    const minted = await ctx.tokens.mint({
      client, userId: record.userId, scope: requested.length > 0 ? requested : record.scope, refreshScope: record.scope,
      audience: record.audience, familyId: record.familyId, withRefreshToken: true,
    });
    const result = await ctx.store.tokens.rotateRefreshToken(hash, client.clientId, ctx.clock.nowSeconds(), minted.records);
    if (result.outcome === 'reused') {
      throw new InvalidGrant('This refresh token was already used; every token of its grant is now revoked.');
    }
    if (result.outcome === 'invalid') throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
    return minted.response;
  },
};
