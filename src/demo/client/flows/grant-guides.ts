/**
 * The "Why / when to use / risks" panel of each grant, grounded in RFC 6749 (the framework),
 * RFC 9700 (the OAuth 2.0 Security Best Current Practice) and their companions.
 */

import { oidc, ref, type RfcReference } from '../content/references.js';

export { rfcHref, rfcLabel, type OpenIdSpec, type RfcReference } from '../content/references.js';

export interface GuidePoint {
  text: string;
  refs: readonly RfcReference[];
}

export type VerdictTone = 'recommended' | 'caution' | 'deprecated' | 'forbidden';

export interface GrantGuide {
  verdict: { label: string; tone: VerdictTone };
  why: readonly GuidePoint[];
  when: readonly GuidePoint[];
  risks: readonly GuidePoint[];
}

export const AUTHORIZATION_CODE_GUIDE: GrantGuide = {
  verdict: { label: 'Recommended', tone: 'recommended' },
  why: [
    { text: 'The user signs in at the Auth Server, never at the client: the client never sees the password.', refs: [ref(6749, '4.1')] },
    { text: 'The browser only carries a short-lived, single-use code. The tokens travel on a back channel, from the Auth Server straight to the client, so they never appear in the browser\'s URL, history or Referer.', refs: [ref(6749, '4.1.3'), ref(9700, '2.1')] },
    { text: 'PKCE binds the code to the client that started the flow: a stolen code is useless without the code_verifier.', refs: [ref(7636), ref(9700, '2.1.1')] },
  ],
  when: [
    { text: 'Every client that acts for a user: web apps with a backend (confidential clients), single-page and mobile apps (public clients, with PKCE). It is the default choice.', refs: [ref(9700, '2.1.1')] },
  ],
  risks: [
    { text: 'Code interception and injection: use PKCE with S256; Tessera requires it of public clients.', refs: [ref(9700, '4.5'), ref(9700, '4.8')] },
    { text: 'Cross-site request forgery on the redirect: check state (or rely on PKCE).', refs: [ref(9700, '4.7')] },
    { text: 'Mix-up between Auth Servers: check the iss parameter of the response, as this client does.', refs: [ref(9207), ref(9700, '4.4')] },
    { text: 'Open redirectors: redirect URIs are compared string for string.', refs: [ref(9700, '4.1')] },
  ],
};

export const IMPLICIT_GUIDE: GrantGuide = {
  verdict: { label: 'Deprecated', tone: 'deprecated' },
  why: [
    { text: 'Designed for browser apps without a backend, before CORS: the Auth Server returns the access token directly, in the fragment of the redirect URI, with no token request.', refs: [ref(6749, '4.2')] },
  ],
  when: [
    { text: 'Not for new applications: clients SHOULD NOT use the implicit grant. A single-page app can use the authorization code grant with PKCE instead.', refs: [ref(9700, '2.1.2')] },
  ],
  risks: [
    { text: 'The access token is in the URL: it can stay in the browser history, and leak through open redirectors or to any script running on the page.', refs: [ref(9700, '4.3.2'), ref(9700, '4.11')] },
    { text: 'Nothing binds the token to the client that asked for it: an attacker can inject a stolen token into the flow.', refs: [ref(9700, '4.6')] },
    { text: 'No refresh token may be issued: when the token expires the user goes through the redirect again.', refs: [ref(6749, '4.2.2')] },
  ],
};

export const PASSWORD_GUIDE: GrantGuide = {
  verdict: { label: 'Must not be used', tone: 'forbidden' },
  why: [
    { text: 'A migration path for applications that used to keep the user\'s password: the client trades the username and password for a token once.', refs: [ref(6749, '1.3.3'), ref(6749, '4.3')] },
  ],
  when: [
    { text: 'Never: the resource owner password credentials grant MUST NOT be used. RFC 6749 already limited it to clients the user trusts highly, when no other grant works.', refs: [ref(9700, '2.4'), ref(6749, '4.3')] },
  ],
  risks: [
    { text: 'The client sees the password in clear (this page masks it; a malicious client would not), and nothing proves it discards it afterwards as it must.', refs: [ref(6749, '4.3.1'), ref(6749, '10.7')] },
    { text: 'Users learn to type their password outside the Auth Server, which is what phishing needs; and multi-factor sign-in or passkeys cannot work.', refs: [ref(9700, '2.4')] },
    { text: 'The Auth Server must throttle attempts, because the token endpoint becomes a password oracle (Tessera does).', refs: [ref(6749, '4.3.2')] },
  ],
};

export const CLIENT_CREDENTIALS_GUIDE: GrantGuide = {
  verdict: { label: 'Machine to machine', tone: 'recommended' },
  why: [
    { text: 'There is no user: the client asks for access to its own resources, or to resources arranged with the Auth Server beforehand.', refs: [ref(6749, '4.4')] },
  ],
  when: [
    { text: 'Backend services, scheduled jobs and microservices calling each other. Only confidential clients may use it: the client\'s secret is the only proof of who is asking.', refs: [ref(6749, '4.4')] },
  ],
  risks: [
    { text: 'Whoever holds the secret is the client: keep it in a secret store and rotate it; asymmetric client authentication (private_key_jwt, mTLS) is preferred.', refs: [ref(9700, '2.5')] },
    { text: 'No refresh token is issued: the client simply asks again when its token expires.', refs: [ref(6749, '4.4.3')] },
    { text: 'A client\'s identifier must never be mistaken for a user\'s: this Resource Server treats sub = client_id as the client acting for itself.', refs: [ref(9700, '4.15'), ref(9068, '2.2')] },
  ],
};

export const REFRESH_TOKEN_GUIDE: GrantGuide = {
  verdict: { label: 'Keeps sessions alive', tone: 'recommended' },
  why: [
    { text: 'Access tokens should live minutes, so that a leaked one is soon useless; the refresh token gets a new one without asking the user to sign in again.', refs: [ref(6749, '1.5'), ref(6749, '6')] },
  ],
  when: [
    { text: 'When a client needs access for longer than one access token lives, typically after the authorization code grant. The Resource Server says when: 401 invalid_token.', refs: [ref(6750, '3.1')] },
  ],
  risks: [
    { text: 'A refresh token is long-lived access: it is bound to the client that got it, which must authenticate to use it.', refs: [ref(6749, '6'), ref(6749, '10.4')] },
    { text: 'For public clients it must be sender-constrained or rotated. Tessera rotates every refresh token and revokes the whole family when an old one is replayed.', refs: [ref(9700, '2.2.2'), ref(9700, '4.14.2')] },
  ],
};

export const OPENID_CONNECT_GUIDE: GrantGuide = {
  verdict: { label: 'Sign-in, done right', tone: 'recommended' },
  why: [
    { text: 'OAuth 2 gives a client access, not identity: an access token says nothing the client may rely on about who the user is. OpenID Connect adds the ID token, a signed statement for the client itself of who signed in, when and how.', refs: [oidc('core', '1'), oidc('core', '2')] },
    { text: 'It is the authorization code flow with scope openid: the same code, PKCE and back channel, plus a nonce that ties the ID token to this very request.', refs: [oidc('core', '3.1'), oidc('core', '3.1.2.1')] },
    { text: 'RP-initiated logout ends the session at the Auth Server too, and back-channel logout tells every other app the user signed in to.', refs: [oidc('rp-initiated-logout', '2'), oidc('back-channel-logout', '2')] },
  ],
  when: [
    { text: '"Sign in with ..." for any app that needs to know who the user is: use the ID token\'s iss + sub as the account key, and UserInfo for profile claims.', refs: [oidc('core', '5.7'), oidc('core', '5.3')] },
  ],
  risks: [
    { text: 'Validate the ID token: iss, aud (your client_id), exp, and the nonce you sent; a library such as oauth4webapi does it.', refs: [oidc('core', '3.1.3.7')] },
    { text: 'Never sign users in with an access token: it is meant for an API, and may have been issued to another client.', refs: [ref(9700, '4.13'), ref(9068, '6')] },
    { text: 'Email is not an identifier: it changes and may be unverified. Key accounts on iss + sub.', refs: [oidc('core', '5.7')] },
    { text: 'Logout redirects only to URIs the client registered, with state to check on return.', refs: [oidc('rp-initiated-logout', '3')] },
  ],
};
