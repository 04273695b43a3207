/**
 * What each parameter and header means, in a few words: the tables of the tutorial, with the
 * RFC that defines each.
 */
const GLOSSARY: Record<string, string> = {
  client_id: 'who the client is, as registered at the Auth Server (RFC 6749 §2.2); in a token, the client it was issued to (RFC 9068 §2.2)',
  client_secret: 'the client\'s password; never shown (RFC 6749 §2.3.1)',
  redirect_uri: 'where the Auth Server sends the browser back; must match a registered URI exactly (RFC 6749 §3.1.2)',
  response_type: '"code" for the authorization code grant, "token" for implicit (RFC 6749 §3.1.1)',
  scope: 'the access asked for, space-separated (RFC 6749 §3.3); in a token, the access granted (RFC 9068 §2.2.3)',
  state: 'a random value the client checks on return, against CSRF (RFC 6749 §10.12)',
  code_challenge: 'PKCE: SHA-256 of the code_verifier the client keeps (RFC 7636 §4.2)',
  code_challenge_method: 'PKCE: S256, the only safe method (RFC 7636 §4.3)',
  code_verifier: 'PKCE: the secret whose hash was the code_challenge (RFC 7636 §4.5)',
  resource: 'the API the token is for; becomes the token\'s aud (RFC 8707 §2)',
  code: 'the one-time authorization code (RFC 6749 §4.1.2)',
  iss: 'who issued it: the Auth Server\'s identifier. In a JWT, the issuer claim (RFC 7519 §4.1.1); in a redirect, against mix-up attacks (RFC 9207)',
  error: 'an error code: what went wrong, from a fixed list (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1)',
  error_description: 'a human-readable explanation of the error, for the developer, not the user (RFC 6749 §5.2)',
  sub: 'the subject: whom the token is about, the user\'s id, or the client_id when there is no user (RFC 7519 §4.1.2, RFC 9068 §2.2)',
  aud: 'the audience: who must accept the token; the Resource Server, or the client for an ID token (RFC 7519 §4.1.3)',
  exp: 'expiration time: after this instant the token must be refused (RFC 7519 §4.1.4)',
  iat: 'issued at: when the token was made (RFC 7519 §4.1.6)',
  nbf: 'not before: the token must be refused before this instant (RFC 7519 §4.1.5)',
  jti: 'JWT ID: a unique id of this token, to detect replays or revoke it (RFC 7519 §4.1.7)',
  auth_time: 'when the user actually signed in (OpenID Connect Core §2)',
  sid: 'the session at the Auth Server this token came from (OpenID Connect Front-/Back-Channel Logout)',
  nonce: 'a random value the client sent and must find again in the ID token (OpenID Connect Core §2)',
  amr: 'how the user authenticated, e.g. pwd for a password (OpenID Connect Core §2, RFC 8176)',
  acr: 'the authentication context class the sign-in met (OpenID Connect Core §2)',
  azp: 'authorized party: the client the ID token was issued to (OpenID Connect Core §2)',
  at_hash: 'half of the SHA-256 of the access token issued with this ID token (OpenID Connect Core §3.1.3.6)',
  cnf: 'confirmation: the key the token is bound to (RFC 7800)',
  grant_type: 'which grant the token request uses (RFC 6749 §4)',
  username: 'the user\'s name, given to the client (RFC 6749 §4.3.2)',
  password: 'the user\'s password, given to the client; masked here (RFC 6749 §4.3.2)',
  refresh_token: 'the long-lived token that gets new access tokens (RFC 6749 §6)',
  access_token: 'the token the Resource Server accepts (RFC 6749 §1.4)',
  token_type: 'how to use the token: Bearer (RFC 6750)',
  expires_in: 'seconds until the access token expires (RFC 6749 §5.1)',
  title: 'the new resource\'s title (this demo API)',
  Authorization: 'credentials: Basic for the client, Bearer for an access token (RFC 6749 §2.3.1, RFC 6750 §2.1)',
  'WWW-Authenticate': 'why the token was refused (RFC 6750 §3)',
  'Cache-Control': 'no-store: never cache an answer that holds tokens or depends on them (RFC 6749 §5.1)',
  Location: 'where the browser is sent next',
  'Access-Control-Allow-Origin': 'CORS: which page origin may read this answer',
  Origin: 'the page that sent this request (added by the browser)',
};

export function describeParameter(name: string): string | undefined {
  return GLOSSARY[name];
}
