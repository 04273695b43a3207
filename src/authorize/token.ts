import type { GrantContext } from '../grants/types.js';
import { defineResponseType } from './types.js';

/**
 * response_type=token, the implicit grant (RFC 6749 §4.2): the access token goes in the
 * fragment. §4.2.2: the server MUST NOT issue a refresh token.
 */
export const tokenResponseType = defineResponseType<Record<string, never>>({
  responseType: 'token',
  responseMode: 'fragment',
  grantType: 'implicit',
  parse() {
    return {};
  },
  async respond(request, _params, grant, ctx: Pick<GrantContext, 'tokenIssuer'>) {
    const response = await ctx.tokenIssuer.issue({
      client: request.client, userId: grant.userId, scope: grant.scope, audience: request.audience, withRefreshToken: false,
    });
    return {
      access_token: response.access_token,
      token_type: response.token_type,
      expires_in: String(response.expires_in),
      ...(response.scope !== undefined ? { scope: response.scope } : {}),
    };
  },
});
