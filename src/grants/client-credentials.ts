import { resolveAudience } from '../core/audience.js';
import { UnauthorizedClient } from '../core/errors.js';
import { parseScope, resolveScope } from '../core/scope.js';
import type { TokenGrant } from './types.js';

/** RFC 6749 §4.4: machine to machine, no user, no refresh token. */
export const clientCredentialsGrant: TokenGrant = {
  grantType: 'client_credentials',
  async handle(request, client, ctx) {
    // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
    if (client.secretHash === null) throw new UnauthorizedClient('A public client cannot use the client_credentials grant.');
    const scope = resolveScope(parseScope(request.params.scope), client.scope);
    const audience = resolveAudience(request.resources, client, ctx.config.audience);
    // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
    return ctx.tokens.issue({ client, userId: null, scope, audience, withRefreshToken: false });
  },
};
