import { defineFlow } from './flow-content.js';
import { ref } from './references.js';
import { grantTypeCorrection, resourceResponseNotes, TOKEN_RESPONSE_NOTES, USER_AT_AUTH_SERVER_NOTES } from './shared-copy.js';

/** RFC 6749 §6 as a story, played by "Photo Frame". */
export const REFRESH_TOKEN_FLOW = defineFlow({
  participants: ['Client', 'Auth Server', 'Resource Server'],
  steps: [
    {
      id: 'expired-request', from: 'Client', to: 'Resource Server',
      caption: ['I want to access protected resources of the user. Here', 'is the access token received in the initial user login.'],
      notes: ['The Client still holds the access token of the initial login. It does not decide by itself that the token is too old: it calls, and lets the Resource Server say.'],
      corrections: [{
        tutorial: 'The tutorial says the Client learns that its access token expired from "the error from the Auth Server".',
        rfc: 'The Resource Server is the one that refuses the token, with a WWW-Authenticate challenge; the Auth Server is not asked. (A client may also track expires_in, but the Resource Server\'s answer decides.)',
        refs: [ref(6750, '3'), ref(6749, '7')],
      }],
    },
    {
      id: 'expired-response', from: 'Resource Server', to: 'Client',
      // Corrected: the tutorial answers 403; RFC 6750 §3.1 says an expired token is 401 invalid_token.
      caption: ['The access token is expired! I\'m answering 401', 'invalid_token. Sorry!'],
      tutorialCaption: ['The access token is expired! I\'m throwing 403', 'forbidden error. Sorry!'],
      notes: [
        '401 with WWW-Authenticate: Bearer error="invalid_token": RFC 6750 §3.1 for an expired token.',
        'oauth4webapi hands the client the parsed challenge, so it knows to refresh rather than to give up.',
      ],
      corrections: [{
        tutorial: 'The tutorial\'s Resource Server answers "403 forbidden error" to an expired token.',
        rfc: 'An expired token is invalid_token: HTTP 401 with WWW-Authenticate: Bearer error="invalid_token". 403 insufficient_scope is for a valid token that lacks a scope.',
        refs: [ref(6750, '3.1')],
      }],
    },
    {
      id: 'refresh-request', from: 'Client', to: 'Auth Server',
      caption: ['Hey Auth Server, I need a new access token', 'for the user. Here is the refresh token', 'of the user.'],
      notes: ['grant_type=refresh_token with the refresh token; the client authenticates too, so a stolen refresh token alone is not enough (RFC 6749 §6).'],
      corrections: [grantTypeCorrection('refresh_token', '6'), {
        tutorial: 'The tutorial says the Auth Server issues a new token if the refresh token "belongs to the same user", and that the refresh token is used "to re-authenticate the user".',
        rfc: 'A refresh token is bound to the client it was issued to: the Auth Server authenticates the client and checks that the token was issued to it. It gets new access tokens; it does not authenticate the user again.',
        refs: [ref(6749, '6'), ref(6749, '10.4')],
      }],
    },
    {
      id: 'refresh-response', from: 'Auth Server', to: 'Client',
      caption: ['Refresh token is valid. Here is a new access', 'token and new refresh token.'],
      notes: [
        ...TOKEN_RESPONSE_NOTES,
        'A new refresh token too: Tessera rotates them. The one just used is retired; if it were ever presented again, every token of this grant would be revoked (RFC 9700 §4.14.2).',
      ],
    },
    {
      id: 'retry-request', from: 'Client', to: 'Resource Server',
      caption: ['Hey Resource Server, I want to access protected resources.', 'Here is the token from the Authz Server'],
      notes: ['The Client retries the call that failed, with the new access token as a Bearer token (RFC 6750 §2.1).'],
    },
    {
      id: 'retry-response', from: 'Resource Server', to: 'Client',
      caption: ['Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'],
      notes: resourceResponseNotes('user'),
    },
  ],
  controls: {
    'intro': 'The story starts after an initial user login. Photo Frame signs you in with the authorization code grant (with PKCE, as on the first page) and receives a short-lived access token and a refresh token.',
    'login': 'Before the story: sign in to get the tokens',
    'call-valid': 'Call the Resource Server now, while the token is valid',
    'call-valid-note': 'First, if you like, call the Resource Server while the token is still valid: it answers 200.',
    'waiting': 'The story needs the token expired: wait, and the button below wakes up.',
    'expired-now': 'Now call the Resource Server with it: step {expired-request}.',
    'call-expired': 'Run steps {expired-request}–{expired-response}: call the Resource Server with the expired token',
    'refused': 'The Resource Server said the token is invalid. The Client does not ask you to sign in again: it uses its refresh token.',
    'refresh': 'Run steps {refresh-request}–{refresh-response}: refresh the access token',
    'refreshed': 'The Client has a new access token. It retries the call that failed.',
    'retry': 'Run steps {retry-request}–{retry-response}: retry with the new token',
    'complete': 'The whole story ran: expired, refused, refreshed, retried, served. The new access token expires too; then the Client refreshes again.',
    'again': 'Refresh again: run the story with the tokens the Client now holds',
    'again-expired': 'The Client still holds its refresh token: it can run the story again, as it would every time an access token expires.',
  },
  extras: {
    'authorization-request': {
      title: 'The authorization request: your browser at the Auth Server',
      notes: [...USER_AT_AUTH_SERVER_NOTES, 'As on the Authorization Code page, the Auth Server sent your browser back with a code.'],
    },
    'code-redeemed': {
      title: 'The code redeemed for an access token and a refresh token',
      notes: [...TOKEN_RESPONSE_NOTES, 'refresh_token: issued because this client is registered for the refresh_token grant. The Client keeps it on its server.'],
    },
    'valid-call': {
      title: 'A call while the access token is still valid',
      notes: ['200: the Resource Server verified the token, and its exp is still ahead. The same call, with the same token, gets a 401 once exp has passed.'],
    },
  },
  problems: {
    'still-valid': 'The access token is still valid: the Resource Server would accept it. Wait until it expires.',
    'still-accepted': 'The Resource Server still accepted the token.',
  },
});
