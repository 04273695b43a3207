import { resolveTokenTarget } from '../core/audience.js';
import { parseScope } from '../core/scope.js';
import { defineGrant, type GrantContext } from './types.js';

interface ClientCredentialsRequest {
  scope: string[];
  resources: readonly string[];
}

/** RFC 6749 §4.4: machine to machine, no user, no refresh token. */
export const clientCredentialsGrant = defineGrant<ClientCredentialsRequest>({
  grantType: 'client_credentials',
  // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
  clientAuthentication: 'confidential',
  parse({ params, resources }) {
    return { scope: parseScope(params.scope), resources };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'tokenIssuer' | 'settings' | 'resourceServers'>) {
    const { scope, audience } = await resolveTokenTarget(request, client, ctx.settings, ctx.resourceServers);
    // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
    return ctx.tokenIssuer.issue({ client, userId: null, scope, audience, withRefreshToken: false });
  },
});
