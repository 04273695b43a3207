import { InvalidGrant, InvalidRequest } from '../core/errors.js';
import { LoginThrottle } from '../core/login-throttle.js';
import { parseScope, resolveScope } from '../core/scope.js';
import { authenticateUser } from '../core/user-authentication.js';
import { resolveAudience } from '../core/audience.js';
import type { TokenGrant } from './types.js';

/** RFC 6749 §4.3, resource owner password credentials: only for clients registered for it. */
export const passwordGrant: TokenGrant = {
  grantType: 'password',
  async handle(request, client, ctx) {
    const { username, password } = request.params;
    if (username === undefined || password === undefined) throw new InvalidRequest('username and password are required.');
    const scope = resolveScope(parseScope(request.params.scope), client.scope);
    const audience = resolveAudience(request.resources, client, ctx.config.audience);
    const throttle = new LoginThrottle(ctx.store.throttle);
    const now = ctx.clock.nowSeconds();
    await throttle.attempt(username, request.remoteAddress, now);
    const user = await authenticateUser(ctx.store.users, username, password);
    if (!user) throw new InvalidGrant('The username or password is incorrect.');
    await throttle.succeeded(username, request.remoteAddress);
    return ctx.tokens.issue({ client, userId: user.id, scope, audience, withRefreshToken: client.grantTypes.includes('refresh_token') });
  },
};
