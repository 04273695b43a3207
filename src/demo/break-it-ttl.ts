/**
 * The Break it page's service client gets access tokens this short (at most the demo's
 * --access-token-ttl), so that the "expired" experiment needs a wait of seconds, not minutes. Applied
 * by the Auth Server to that client only (ServerSettings.accessTokenTtlByClient), as for the refresh page.
 */
export const BREAK_IT_ACCESS_TOKEN_TTL = 10;

export function breakItAccessTokenTtl(accessTokenTtl: number): number {
  return Math.min(BREAK_IT_ACCESS_TOKEN_TTL, accessTokenTtl);
}
