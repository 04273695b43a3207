import type { ResponseTypeHandler } from './types.js';

/**
 * response_type=token, the implicit grant (RFC 6749 §4.2): the access token goes in the
 * fragment. §4.2.2: the server MUST NOT issue a refresh token.
 */
export const tokenResponseType: ResponseTypeHandler = {
  responseType: 'token',
  responseMode: 'fragment',
  async respond(request, grant, ctx) {
    const response = await ctx.tokens.issue({
      client: request.client, userId: grant.userId, scope: grant.scope, audience: request.audience, withRefreshToken: false,
    });
    return {
      access_token: response.access_token,
      token_type: response.token_type,
      expires_in: String(response.expires_in),
      scope: response.scope,
    };
  },
};
