/**
 * The Refresh Token page's access tokens live this long (at most the demo's --access-token-ttl),
 * so that one expires while you watch and the page can show the refresh; the other pages' tokens
 * keep the demo's longer lifetime, enough to read an exchange. Applied by the Auth Server to the
 * page's own client only (ServerSettings.accessTokenTtlByClient).
 */
export const REFRESH_PAGE_ACCESS_TOKEN_TTL = 60;

export function refreshPageAccessTokenTtl(accessTokenTtl: number): number {
  return Math.min(REFRESH_PAGE_ACCESS_TOKEN_TTL, accessTokenTtl);
}
