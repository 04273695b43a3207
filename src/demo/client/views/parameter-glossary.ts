/**
 * What each parameter and header means, in a few words: the tables of the tutorial, with the
 * RFC that defines each.
 */
const GLOSSARY: Record<string, string> = {
  client_id: 'who the client is, as registered at the Auth Server (RFC 6749 §2.2)',
  client_secret: 'the client\'s password; never shown (RFC 6749 §2.3.1)',
  redirect_uri: 'where the Auth Server sends the browser back; must match a registered URI exactly (RFC 6749 §3.1.2)',
  response_type: '"code" for the authorization code grant, "token" for implicit (RFC 6749 §3.1.1)',
  scope: 'the access asked for, space-separated (RFC 6749 §3.3)',
  state: 'a random value the client checks on return, against CSRF (RFC 6749 §10.12)',
  code_challenge: 'PKCE: SHA-256 of the code_verifier the client keeps (RFC 7636 §4.2)',
  code_challenge_method: 'PKCE: S256, the only safe method (RFC 7636 §4.3)',
  code_verifier: 'PKCE: the secret whose hash was the code_challenge (RFC 7636 §4.5)',
  resource: 'the API the token is for; becomes the token\'s aud (RFC 8707 §2)',
  code: 'the one-time authorization code (RFC 6749 §4.1.2)',
  iss: 'who issued the response, against mix-up attacks (RFC 9207)',
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
