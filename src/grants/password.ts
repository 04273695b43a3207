import { resolveTokenTarget } from '../core/audience.js';
import { InvalidGrant, InvalidRequest, OAuthError, TooManyAttempts } from '../core/errors.js';
import { parseScope } from '../core/scope.js';
import { defineGrant, type GrantContext } from './types.js';

interface PasswordRequest {
  username: string;
  password: string;
  scope: string[];
  resources: readonly string[];
  remoteAddress: string;
  requestId: string | undefined;
}

/** RFC 6749 §4.3, resource owner password credentials: only for clients registered for it. */
export const passwordGrant = defineGrant<PasswordRequest>({
  grantType: 'password',
  clientAuthentication: 'any',
  parse({ params, resources, remoteAddress, requestId }) {
    const { username, password } = params;
    if (username === undefined || password === undefined) throw new InvalidRequest('username and password are required.');
    return { username, password, scope: parseScope(params.scope), resources, remoteAddress, requestId };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'signIn' | 'tokenIssuer' | 'settings' | 'resourceServers' | 'users' | 'tokens' | 'clock'>) {
    const { scope, audience } = await resolveTokenTarget(request, client, ctx.settings, ctx.resourceServers);
    const result = await ctx.signIn.signIn(request.username, request.password, request.remoteAddress, { requestId: request.requestId, clientId: client.clientId });
    if (result.outcome === 'throttled') {
      throw new TooManyAttempts('Too many failed sign-in attempts; wait before trying again.', result.retryAfterSeconds);
    }
    if (result.outcome === 'busy') {
      throw new OAuthError('temporarily_unavailable', 503, 'The server is busy checking passwords; try again in a second.', { 'retry-after': '1' });
    }
    if (result.outcome === 'rejected') throw new InvalidGrant('The username or password is incorrect.');
    const minted = await ctx.tokenIssuer.mint({
      client, userId: result.user.id, scope, audience, withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
    const [refresh] = minted.records;
    if (refresh) await ctx.tokens.save(refresh);
    // The user's row was read before argon2 ran; a deletion or password change may have committed
    // since, and its cut-off is then dated before this token's iat, and its revocation of refresh
    // tokens came before this one was saved (DESIGN.md "Access tokens are not stored"). Read the
    // user again now that the refresh token is stored: a change that commits after this read
    // revokes that refresh token and is dated after the access token's iat; one that committed
    // before it is seen here, and then nothing is handed out and the saved family is revoked.
    const current = await ctx.users.getById(result.user.id);
    if (!current || current.passwordHash !== result.user.passwordHash) {
      if (refresh) await ctx.tokens.revokeFamily(refresh.familyId, ctx.clock.nowSeconds());
      throw new InvalidGrant('The username or password is incorrect.');
    }
    return minted.response;
  },
});
