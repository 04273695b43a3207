import { ref } from './references.js';
import type { StepSpec, TutorialCorrection } from './flow-content.js';

// Copy that several flows share: the same exchange, told the same way on every page.

export const TOKEN_RESPONSE_NOTES: readonly string[] = [
  'Cache-Control: no-store: a response with tokens must never be cached (RFC 6749 §5.1).',
  'The access token is a JWT (RFC 9068) meant for the Resource Server (aud); expires_in says how many seconds it lives, and its exp claim says until when.',
];

/**
 * What the Client can say about your visit to the Auth Server. It cannot see that exchange: the
 * Auth Server may have shown its pages, or skipped them (a session there, a consent it remembers).
 */
export const USER_AT_AUTH_SERVER_NOTES: readonly string[] = [
  'Your browser was at the Auth Server (GET /authorize). What happened there, the Client cannot see: if you had no session at the Auth Server, it showed its sign-in page (POST /login); if you had not allowed this client before, its consent page (POST /consent). With a session and a consent it remembers, it skipped both and sent you straight back.',
  'The Client never sees your password: that is the point of sending you to the Auth Server. It sees only what comes back to its redirect_uri.',
];

/** The Auth Server remembers a consent: how to see its consent page (and the access_denied failure) again. */
export const CONSENT_AGAIN = {
  before: 'The Auth Server remembers your consent, and skips its consent page the next time. To see it again (or to deny it, and see the access_denied failure), withdraw this client\'s access on the Auth Server\'s',
  link: 'account page (Withdraw access)',
} as const;

export const BEARER_REQUEST_NOTES: readonly string[] = [
  'The access token travels in the Authorization header as a Bearer token (RFC 6750 §2.1), never in the URL.',
];

export function resourceResponseNotes(owner: 'user' | 'client'): readonly string[] {
  return [
    'The Resource Server verified the token locally: ES256 signature with the Auth Server\'s keys (jwks_uri), iss, aud, exp, and the scope this route needs.',
    owner === 'user'
      ? 'The token acts for a user (sub is the user\'s id), so the answer holds that user\'s resources.'
      : 'There is no user: sub is the client_id, so the answer holds the client\'s own resources.',
  ];
}

/** The tutorial's token-request tables give every grant `grant_type=authorization_code`. */
export function grantTypeCorrection(value: 'password' | 'client_credentials' | 'refresh_token', section: string): TutorialCorrection {
  return {
    tutorial: 'The tutorial\'s table for this request says grant_type is "authorization_code", the value of the code grant.',
    rfc: `This grant's token request says grant_type=${value}; "authorization_code" would ask the Auth Server to redeem a code, and it would refuse the request.`,
    refs: [ref(6749, section)],
  };
}

/** The last two steps of a token-holding flow: the call to the Resource Server and its answer. */
export function resourceCallSteps(owner: 'user' | 'client'): [StepSpec<'resource-request'>, StepSpec<'resource-response'>] {
  return [
    {
      id: 'resource-request', from: 'Client', to: 'Resource Server',
      caption: owner === 'user'
        ? ['Hey Resource Server, I want to access the user resources.', 'Here is the token from the Authz Server']
        : ['Hey Resource Server, I want to access protected resources.', 'Here is the token from the Authz Server'],
      notes: BEARER_REQUEST_NOTES,
    },
    {
      id: 'resource-response', from: 'Resource Server', to: 'Client',
      caption: ['Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'],
      notes: resourceResponseNotes(owner),
    },
  ];
}

/**
 * The texts of the controls every token-holding page shares, one set per state of its token
 * (flows/resource-call-routes.ts): live (not called yet, or called: 'holds-token', 'complete');
 * expired, not called since ('holds-expired', 'call-expired' beside the offers); refused
 * ('refused' beside the offers). Each state says one thing and offers each way on once.
 */
export const RESOURCE_CALL_CONTROLS = {
  'call': 'Run steps {resource-request}–{resource-response}: call the Resource Server',
  'call-again': 'Call the Resource Server again (steps {resource-request}–{resource-response})',
  'complete': 'The flow is complete. Call again, or start over.',
  'refused': 'The Resource Server refused the token (step {resource-response} says why): the flow did not reach its resources. The way on is a new token:',
  'holds-expired': 'The Client still holds it: a call now shows what the Resource Server says (401 invalid_token). The way on is a new token:',
  'call-expired': 'Run steps {resource-request}–{resource-response} with the expired token: see the Resource Server refuse it',
  'start-over': 'Start over',
  'new-token': 'Start over: get a new token',
  'refresh-page': 'How a client with a refresh token carries on: the Refresh Token page',
} as const;
