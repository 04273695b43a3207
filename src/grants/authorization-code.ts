import { InvalidGrant, InvalidRequest } from '../core/errors.js';
import { checkCodeVerifier } from '../core/pkce.js';
import { resolveRedirectUri } from '../core/redirect-uri.js';
import { hashSecret } from '../core/tokens.js';
import type { TokenGrant } from './types.js';

/** RFC 6749 §4.1.3: exchange a code for tokens. */
export const authorizationCodeGrant: TokenGrant = {
  grantType: 'authorization_code',
  async handle(request, client, ctx) {
    const { code, redirect_uri: redirectUri, code_verifier: codeVerifier } = request.params;
    if (code === undefined) throw new InvalidRequest('code is required.');
    const now = ctx.clock.nowSeconds();
    const codeHash = hashSecret(code);
    const result = await ctx.store.codes.consume(codeHash, now);
    if (result.outcome === 'replayed') {
      // RFC 6749 §4.1.2: a code used twice MUST be refused and SHOULD revoke what it issued. Only the
      // code's own client triggers that, so another client holding a stolen code cannot end the grant.
      if (result.code.clientId === client.clientId) await ctx.store.tokens.revokeFamily(result.code.familyId, now);
      throw new InvalidGrant('This authorization code was already used; the tokens issued from it are revoked.');
    }
    if (result.outcome === 'invalid') throw new InvalidGrant('The authorization code is invalid or expired.');
    const stored = result.code;
    // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
    if (stored.clientId !== client.clientId) throw new InvalidGrant('The authorization code was issued to another client.');
    // RFC 6749 §4.1.3: redirect_uri must be present and identical if it was in the authorization request.
    if (stored.redirectUri !== null ? redirectUri !== stored.redirectUri
      : redirectUri !== undefined && resolveRedirectUri(client, redirectUri) === undefined) {
      throw new InvalidGrant('redirect_uri does not match the one of the authorization request.');
    }
    checkCodeVerifier(stored.codeChallenge, codeVerifier);
    if (!(await ctx.store.users.getById(stored.userId))) throw new InvalidGrant('The user of this authorization code no longer exists.');
    const response = await ctx.tokens.issue({
      client, userId: stored.userId, scope: stored.scope, audience: stored.audience, familyId: stored.familyId,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
    // A replay between our consume and our save revoked a family that was still empty; the
    // replayer records itself first and revokes after, so checking here closes that window.
    if (await ctx.store.codes.wasReplayed(codeHash)) {
      await ctx.store.tokens.revokeFamily(stored.familyId, ctx.clock.nowSeconds());
      throw new InvalidGrant('This authorization code was used twice; the tokens issued from it are revoked.');
    }
    return response;
  },
};
