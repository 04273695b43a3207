import { generateOpaqueToken, hashSecret, newFamilyId, TOKEN_PREFIX } from '../core/tokens.js';
import type { ResponseTypeHandler } from './types.js';

/** response_type=code (RFC 6749 §4.1.2): a short-lived, single-use code bound to the whole request. */
export const codeResponseType: ResponseTypeHandler = {
  responseType: 'code',
  responseMode: 'query',
  async respond(request, grant, ctx) {
    const code = generateOpaqueToken(TOKEN_PREFIX.authorizationCode, ctx.random);
    await ctx.store.codes.save({
      hash: hashSecret(code),
      clientId: request.client.clientId,
      userId: grant.userId,
      redirectUri: request.redirectUriSent ? request.redirectUri : null,
      scope: grant.scope,
      audience: request.audience,
      codeChallenge: request.codeChallenge ?? null,
      familyId: newFamilyId(ctx.clock.nowSeconds(), ctx.random),
      // RFC 6749 §4.1.2: a maximum lifetime of 10 minutes is recommended; ours is shorter.
      expiresAt: ctx.clock.nowSeconds() + ctx.config.codeTtl,
      consumedAt: null,
    });
    return { code };
  },
};
