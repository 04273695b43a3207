import { InvalidGrant, InvalidRequest, InvalidTarget } from '../core/errors.js';
import { checkCodeVerifier } from '../core/pkce.js';
import { resolveRedirectUri } from '../core/redirect-uri.js';
import { addIdToken, findOpenIdGrant, issuesRefreshToken, openIdAccessTokenClaims } from '../oidc/openid-grant-tokens.js';
import type { Client, CodeRecord } from '../store/types.js';
import { defineGrant, type GrantContext } from './types.js';

interface CodeTokenRequest {
  code: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  resources: readonly string[];
}

const EXPIRED = 'The authorization code is invalid or expired.';

/**
 * RFC 6749 §4.1.3: everything the request must match, checked before the code is touched, so a
 * wrong attempt (another client, a wrong redirect_uri or verifier) never burns a code its
 * rightful client can still redeem.
 */
function checkBinding(stored: CodeRecord, request: CodeTokenRequest, client: Client): void {
  // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
  if (stored.clientId !== client.clientId) throw new InvalidGrant('The authorization code was issued to another client.');
  // RFC 6749 §4.1.3: redirect_uri must be present and identical if it was in the authorization request.
  if (stored.redirectUri !== null ? request.redirectUri !== stored.redirectUri
    // RFC 6749 §10.6: identical to the one that obtained the code, which was then the only registered one.
    : request.redirectUri !== undefined && resolveRedirectUri(client, request.redirectUri, false) === undefined) {
    throw new InvalidGrant('redirect_uri does not match the one of the authorization request.');
  }
  // RFC 7636 §4.6
  checkCodeVerifier(stored.codeChallenge, request.codeVerifier);
  // RFC 8707 §2.2: a resource named at the token endpoint is the target of the access token; the
  // code was issued for one audience, so any other is refused.
  if (request.resources.length > 0 && (request.resources.length > 1 || request.resources[0] !== stored.audience)) {
    throw new InvalidTarget('The resource does not match the audience of the authorization request.');
  }
}

/** RFC 6749 §4.1.3: exchange a code for tokens, shaped like refresh rotation: find, check, redeem atomically. */
export const authorizationCodeGrant = defineGrant<CodeTokenRequest>({
  grantType: 'authorization_code',
  clientAuthentication: 'any',
  parse({ params, resources }) {
    if (params.code === undefined) throw new InvalidRequest('code is required.');
    return { code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier, resources };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'codes' | 'tokens' | 'users' | 'tokenIssuer' | 'clock' | 'hashing' | 'openIdGrants' | 'idTokens' | 'settings'>) {
    const now = ctx.clock.nowSeconds();
    const stored = await ctx.hashing.tokens.find(request.code, (hash) => ctx.codes.find(hash));
    if (!stored) throw new InvalidGrant(EXPIRED);
    checkBinding(stored, request, client);
    if (stored.consumedAt !== null) {
      // OAuth 2.1 §4.1.3 / RFC 6749 §4.1.2: a code used twice MUST be refused and SHOULD revoke
      // the tokens issued from it. Redemption committed code and tokens together, so they are there.
      await ctx.tokens.revokeFamily(stored.familyId, now);
      throw new InvalidGrant('This authorization code was already used; the tokens issued from it are revoked.');
    }
    if (stored.expiresAt <= now) throw new InvalidGrant(EXPIRED);
    const user = await ctx.users.getById(stored.userId);
    if (!user) throw new InvalidGrant('The user of this authorization code no longer exists.');
    const openIdGrant = await findOpenIdGrant({ client, userId: user.id, familyId: stored.familyId, scope: stored.scope }, ctx);
    const minted = await ctx.tokenIssuer.mint({
      client, userId: stored.userId, scope: stored.scope, audience: stored.audience, familyId: stored.familyId,
      extraClaims: openIdAccessTokenClaims(openIdGrant),
      // OpenID Connect Core §11: an OpenID grant gets a refresh token only with offline_access.
      withRefreshToken: issuesRefreshToken(client, stored.scope, openIdGrant),
    });
    // One atomic step marks the code used and stores its tokens: a concurrent redemption either
    // comes first (and we are the replay) or sees the tokens it must revoke.
    const result = await ctx.codes.redeem(stored.hash, now, minted.records);
    if (result.outcome === 'replayed') {
      throw new InvalidGrant('This authorization code was already used; the tokens issued from it are revoked.');
    }
    if (result.outcome === 'invalid') throw new InvalidGrant(EXPIRED);
    // OpenID Connect Core §3.1.3.3: the ID token of an OpenID grant, with the code's nonce.
    return addIdToken(minted.response, { client, user, grant: openIdGrant, refresh: false }, ctx);
  },
});
