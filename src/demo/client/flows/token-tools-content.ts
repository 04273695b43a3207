/** The copy of the tokens page (flows/token-tools.ts): what introspection, revocation and the deny list do, in Tessera. */

export const TOKENS_PATH = '/tokens';

export const TOKEN_NOTES = {
  introspect: [
    'RFC 7662 §2.1: a POST of the token, authenticated as a client. Tessera answers a confidential client about its own tokens, and a client registered as an API\'s introspecting client about that API\'s access tokens (§4); to anyone else every token is {"active": false}, so a caller cannot tell a live token from a dead one.',
    'For an access token (a JWT) Tessera checks the signature, iss, exp and nbf, then its deny list: the token\'s jti, its grant family, and the cut-offs of its user and client. For a refresh token it looks up the token\'s keyed hash.',
  ],
  revoke: [
    'RFC 7009 §2.1: the client asks the Auth Server to revoke a token it holds; §2.2: the answer is 200 whether or not the token was valid, so a caller learns nothing from it.',
  ],
  revokeAccess: 'An access token is not stored: revoking it puts its jti on the deny list until its exp, when the row is purged.',
  revokeRefresh: 'Revoking a refresh token ends its grant (the token family): the refresh tokens of the grant are revoked, and one deny-list row makes every access token of the grant inactive at introspection too (RFC 7009 §2.1: the server SHOULD also invalidate the access tokens of the same grant; Tessera does).',
  familyEnded: '"active": false, although nobody revoked this access token itself and it has not expired: revoking the refresh token ended the whole grant, and one deny-list row (family:<gid>, the grant id every access token of the grant carries) makes each of its access tokens inactive at introspection.',
  introspectAgain: 'Introspected again after the revocation: {"active": false}.',
} as const;

/** What the Resource Server did with the revoked access token, told as it happened. */
export function resourceServerVerdict(status: number, expiresAt: string | undefined): string {
  if (status === 200) {
    return `200 OK: the demo Resource Server still accepts the revoked token. It verifies JWTs by itself (the Auth Server's published keys, iss, aud, exp, scope) and never asks the Auth Server, so it cannot see the deny list: it will accept this token until it expires${expiresAt ? ` (${expiresAt})` : ''}. That is the trade-off of self-contained tokens: keep their lifetime short, or have the API ask. With tessera/resource an API asks by setting checkRevocation (an introspection per token, cached a few seconds) or by verifying through introspection alone.`;
  }
  if (status === 401) return '401: the Resource Server refused the token: it asked the Auth Server, or the token has expired meanwhile.';
  return `${status}: the Resource Server refused the call for another reason; see its WWW-Authenticate header.`;
}
