import { defineFlow } from './flow-content.js';
import { USER_AT_AUTH_SERVER_NOTES } from './shared-copy.js';

/** Sign in with OpenID Connect (code flow + PKCE + nonce), UserInfo, and RP-initiated logout, played by "Guestbook". */
export const OPENID_CONNECT_FLOW = defineFlow({
  participants: ['User', 'Client', 'Auth Server'],
  steps: [
    { id: 'ask-to-sign-in', from: 'User', to: 'Client', caption: ['Sign me in with Tessera'], notes: ['You asked Guestbook to sign you in with Tessera.'] },
    {
      id: 'redirect-to-auth-server', from: 'Client', to: 'User',
      caption: ['Go to the Auth Server: scope openid profile email,', 'with a nonce, state and a PKCE challenge.'],
      notes: [
        'scope openid makes this an OpenID Connect request (Core §3.1.2.1): the answer will include an ID token; profile and email ask for those claims at UserInfo.',
        'nonce is a random value the Client keeps in its session; the ID token must carry it back (Core §3.1.2.1), which ties the token to this request.',
        'state and the PKCE code_challenge work as in the plain code flow.',
      ],
    },
    {
      id: 'user-at-auth-server', from: 'User', to: 'Auth Server',
      caption: ['Hello Auth Server, here are my credentials.', 'Yes, this client may know who I am.'],
      notes: [
        ...USER_AT_AUTH_SERVER_NOTES,
        'Its consent page, when it shows one, lists openid, profile and email in plain words: what Guestbook may know about you.',
      ],
    },
    {
      id: 'callback-with-code', from: 'Auth Server', to: 'Client', caption: ['Hey Client, the user signed in.', 'Here is an AUTHORIZATION CODE.'],
      notes: ['Back at the Client\'s redirect_uri with a one-time code; state and iss (RFC 9207) checked by oauth4webapi.', 'No ID token in the URL: it comes on the back channel, with the code exchange.'],
    },
    {
      id: 'token-request', from: 'Client', to: 'Auth Server', caption: ['Here are my client credentials, the code', 'and the PKCE verifier.'],
      notes: ['A back-channel POST to the token endpoint, as in the code flow: client_secret_basic (masked) and the PKCE verifier.'],
    },
    {
      id: 'token-response', from: 'Auth Server', to: 'Client', caption: ['Here is an ID TOKEN (who signed in)', 'and an access token for UserInfo.'],
      notes: [
        'id_token: a JWT signed by the Auth Server (RS256, Core §15.1) for this client. Unlike the access token, it is meant to be read by the Client.',
        'The access token is for UserInfo; no refresh token, because offline_access was not asked for (Core §11).',
      ],
    },
    { id: 'userinfo-request', from: 'Client', to: 'Auth Server', caption: ['UserInfo, please: who is this user?', 'Here is the access token.'], notes: ['GET /userinfo with the access token as a Bearer token (Core §5.3.1).'] },
    {
      id: 'userinfo-response', from: 'Auth Server', to: 'Client', caption: ['Here are the claims the user allowed:', 'name, email, ...'],
      notes: ['The claims of the scopes you allowed: profile (name, ...) and email (email, email_verified). sub is the ID token\'s.'],
    },
    { id: 'ask-to-sign-out', from: 'User', to: 'Client', caption: ['Sign me out'], notes: ['You asked Guestbook to sign you out. It ends its own session first.'] },
    {
      id: 'redirect-to-end-session', from: 'Client', to: 'User', caption: ['Go to the Auth Server\'s end_session endpoint,', 'with my ID token as id_token_hint.'],
      notes: [
        'Then it sends your browser to the Auth Server\'s end_session_endpoint (RP-Initiated Logout 1.0 §2), to end the session there too.',
        'id_token_hint: the ID token it got, so the Auth Server knows which session and which client ask, and can skip its confirmation page.',
        'post_logout_redirect_uri must be one the client registered, exactly (§3); state comes back with it.',
      ],
    },
    {
      id: 'logged-out-return', from: 'Auth Server', to: 'Client', caption: ['Session ended. Back to your', 'post_logout_redirect_uri, with your state.'],
      notes: ['The Auth Server ended its session (and told any other client that registered a back-channel logout URI), then sent your browser back here.', 'state is the one the Client sent: this return belongs to its own logout request.'],
    },
  ],
  controls: {
    'intro': 'Guestbook wants to know who you are. Sign in with Tessera: scope openid profile email.',
    'waiting': 'Waiting for your return from the Auth Server, or start again.',
    'start': 'Start: {ask-to-sign-in}. Sign in with Tessera',
    'start-again': 'Start again: {ask-to-sign-in}. Sign in with Tessera',
    'holds-code': 'The Client holds a one-time authorization code. Next, it redeems it at the token endpoint: the answer carries the ID token.',
    'redeem': 'Run steps {token-request}–{token-response}: get the ID token',
    'userinfo': 'Run steps {userinfo-request}–{userinfo-response}: call UserInfo',
    'sign-out': 'Run steps {ask-to-sign-out}–{logged-out-return}: sign out',
    'token-expired': 'UserInfo will refuse it with 401 invalid_token. The Client is still signed in on its own session; for a new access token it signs you in again (no refresh token: offline_access was not asked for).',
    'sign-in-again': 'Sign in again: get a new access token',
    'claims-title': 'The ID token, claim by claim',
    'claims-checked': 'oauth4webapi validated iss, aud, exp, iat and the nonce (Core §3.1.3.7); the Client also verified the signature with the Auth Server\'s keys (jwks_uri).',
    'userinfo-title': 'UserInfo',
    'userinfo-checked': 'sub is the ID token\'s, as oauth4webapi checked (Core §5.3.2): these claims are about the same user.',
    'signed-in-as': 'You are signed in to Guestbook as',
    'signed-out': 'You are signed out, of Guestbook and of the Auth Server. Sign in again, and the Auth Server asks for your password.',
  },
  extras: {
    'back-channel-logout': {
      title: 'Back-channel logout: the Auth Server told the Client',
      notes: [
        'A server-to-server POST from the Auth Server to the Client\'s backchannel_logout_uri (Back-Channel Logout 1.0 §2.5): it reaches every client you signed in to from that session, even one whose page is not open.',
        'The Client checked the logout token (§2.6): signature with the Auth Server\'s keys, iss, aud = its client_id, typ logout+jwt, the backchannel-logout event, no nonce, and the sid of your session, which it then ends.',
      ],
    },
  },
  problems: {
    'foreign-callback': 'This callback does not belong to a sign-in started here (or it was already used). Start again.',
    'foreign-logout': 'This logout return does not belong to a logout started here.',
    'no-end-session': 'The Auth Server\'s OpenID configuration has no end_session_endpoint.',
    'no-id-token': 'The token response had no ID token.',
  },
});
