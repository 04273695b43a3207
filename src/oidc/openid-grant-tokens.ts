import type { GrantContext, TokenResponse } from '../grants/types.js';
import type { Client, OpenIdGrantRecord, User } from '../store/types.js';

/** True when the scope makes an OpenID Connect grant (Core §3.1.2.1: the openid scope value). */
export function isOpenIdScope(scope: readonly string[]): boolean {
  return scope.includes('openid');
}

/**
 * Whether a new grant gets a refresh token. A plain OAuth 2 grant: when the client may use the
 * refresh_token grant (as before). An OpenID grant (one with an OpenID record, `openIdGrant`),
 * besides: only when offline_access was requested and consented (OpenID Connect Core §11), which
 * the consent page always asks for.
 */
export function issuesRefreshToken(client: Client, scope: readonly string[], openIdGrant: OpenIdGrantRecord | undefined): boolean {
  if (!client.grantTypes.includes('refresh_token')) return false;
  return openIdGrant === undefined || scope.includes('offline_access');
}

/**
 * The OpenID record of a grant whose new access token has `scope` (nonce, auth_time, sid, claims
 * request), saved with its code. Undefined when the scope lacks openid, or for a grant without one
 * (openid given by a client's default scope rather than requested, or a grant from before OpenID
 * Connect): those stay plain OAuth 2.
 */
export async function findOpenIdGrant(
  input: { client: Client; userId: string | null; familyId: string; scope: readonly string[] },
  ctx: Pick<GrantContext, 'openIdGrants'>,
): Promise<OpenIdGrantRecord | undefined> {
  if (!isOpenIdScope(input.scope) || input.userId === null) return undefined;
  const grant = await ctx.openIdGrants.find(input.familyId);
  return grant && grant.clientId === input.client.clientId && grant.userId === input.userId ? grant : undefined;
}

/**
 * The private claim of an OpenID grant's access tokens: the claims asked for one by one for UserInfo
 * (the `claims` parameter's userinfo member, Core §5.5), which UserInfo releases besides those of the
 * scope. In the token, so that UserInfo needs no stored access token.
 */
export const USERINFO_CLAIMS_CLAIM = 'userinfo_claims';

export function openIdAccessTokenClaims(grant: OpenIdGrantRecord | undefined): Record<string, unknown> | undefined {
  const requested = grant?.claimsRequest?.userinfo;
  const names = typeof requested === 'object' && requested !== null ? Object.keys(requested) : [];
  return names.length > 0 ? { [USERINFO_CLAIMS_CLAIM]: names } : undefined;
}

/**
 * Adds the ID token of an OpenID grant to its token response (Core §3.1.3.3; §12.2 on refresh: no
 * nonce, the same auth_time). When a refresh token is issued, the grant's record is kept as long
 * as that token lives.
 */
export async function addIdToken(
  response: TokenResponse,
  input: { client: Client; user: User; grant: OpenIdGrantRecord | undefined; refresh: boolean },
  ctx: Pick<GrantContext, 'openIdGrants' | 'idTokens' | 'clock' | 'settings'>,
): Promise<TokenResponse> {
  const { grant } = input;
  if (!grant) return response;
  if (response.refresh_token !== undefined) {
    await ctx.openIdGrants.extend(grant.familyId, ctx.clock.nowSeconds() + ctx.settings.refreshTokenTtl);
  }
  response.id_token = ctx.idTokens.issue({
    client: input.client, user: input.user, grant, accessToken: response.access_token, withNonce: !input.refresh,
  });
  return response;
}
