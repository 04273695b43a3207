import { oidc, ref, type RfcReference } from './references.js';

/** What an OAuth error code means and what a Client should do about it, with the section that defines it. */
export interface OAuthErrorExplanation {
  meaning: string;
  next: string;
  refs: readonly RfcReference[];
}

/**
 * The error codes the playground can meet, from the token endpoint (RFC 6749 §5.2), the
 * authorization endpoint (RFC 6749 §4.1.2.1, §4.2.2.1; OpenID Connect Core §3.1.2.6), a resource
 * server (RFC 6750 §3.1), revocation (RFC 7009 §2.2.1), PKCE (RFC 7636 §4.6), resource indicators (RFC 8707 §2) and registration (RFC 7591 §3.2.2).
 */
export const OAUTH_ERRORS: Readonly<Record<string, OAuthErrorExplanation>> = {
  invalid_request: {
    meaning: 'The request is malformed: a required parameter is missing, repeated, or has a value the server does not accept.',
    next: 'A bug in the Client, not something the user can fix: correct the request. Retrying the same request gets the same answer.',
    refs: [ref(6749, '5.2'), ref(6749, '4.1.2.1'), ref(6750, '3.1')],
  },
  invalid_client: {
    // RFC 6749 §5.2: "unknown client, no client authentication included, or unsupported authentication method".
    meaning: 'The Auth Server could not authenticate the client: unknown client_id, no client authentication included, a wrong secret, or an authentication method it does not support for this client.',
    next: 'Fix the Client\'s credentials or registration; the user can do nothing about it. Do not loop on retries.',
    refs: [ref(6749, '5.2')],
  },
  invalid_grant: {
    // RFC 6749 §5.2 (invalid, expired, revoked, another redirect_uri or client) and RFC 7636 §4.6 (a code_verifier that does not match).
    meaning: 'The grant was refused: the user\'s password is wrong; or the code or refresh token is invalid, expired, revoked, already used, or was issued to another client or for another redirect_uri; or, with PKCE, the code_verifier does not match the code_challenge sent with the authorization request.',
    next: 'Do not retry the same grant. Start again: ask the user to sign in again (or retype the password); for a refresh token, run the authorization again.',
    refs: [ref(6749, '5.2'), ref(7636, '4.6')],
  },
  unauthorized_client: {
    meaning: 'This client is not allowed to use this grant type or response type.',
    next: 'Use a grant the client is registered for, or change its registration.',
    refs: [ref(6749, '5.2'), ref(6749, '4.1.2.1')],
  },
  unsupported_grant_type: {
    meaning: 'The Auth Server does not support this grant_type at all.',
    next: 'Use a grant the server advertises in its metadata (grant_types_supported).',
    refs: [ref(6749, '5.2'), ref(8414, '2')],
  },
  invalid_scope: {
    // RFC 6749 §5.2: "invalid, unknown, malformed, or exceeds the scope granted by the resource owner".
    meaning: 'A requested scope is invalid, unknown or malformed, or exceeds the scope granted by the resource owner (a refresh asking for more than the user allowed), or is more than this client may ask for.',
    next: 'Ask for fewer or other scopes: those the client is registered for, and on a refresh no more than the user granted.',
    refs: [ref(6749, '5.2'), ref(6749, '4.1.2.1')],
  },
  unsupported_token_type: {
    meaning: 'The Auth Server does not support revoking this type of token: for instance, the client asked it to revoke an access token and it revokes only refresh tokens.',
    next: 'Revoke what the server can revoke (the refresh token, which ends the grant), and let the access token run out its short life.',
    refs: [ref(7009, '2.2.1')],
  },
  invalid_target: {
    meaning: 'The resource named by the resource parameter is unknown, or this client may not get a token for it.',
    next: 'Ask for a token for a resource the Auth Server knows, as registered.',
    refs: [ref(8707, '2')],
  },
  access_denied: {
    meaning: 'The user (or the Auth Server on their behalf) refused to let the client access their resources. No code, no token.',
    next: 'Tell the user that nothing was shared, and carry on without their resources. Do not send them back to ask again unasked: they can start again when they choose.',
    refs: [ref(6749, '4.1.2.1'), ref(6749, '4.2.2.1')],
  },
  unsupported_response_type: {
    meaning: 'The Auth Server does not issue this response_type (a code or a token) by this method.',
    next: 'Use a response_type from the server\'s metadata (response_types_supported).',
    refs: [ref(6749, '4.1.2.1')],
  },
  server_error: {
    meaning: 'The Auth Server hit an unexpected condition and could not answer the request.',
    next: 'Not the Client\'s fault: tell the user, and let them try again later.',
    refs: [ref(6749, '4.1.2.1')],
  },
  temporarily_unavailable: {
    meaning: 'The Auth Server is overloaded or in maintenance.',
    next: 'Try again later.',
    refs: [ref(6749, '4.1.2.1')],
  },
  login_required: {
    meaning: 'The Auth Server needs the user to sign in, but the request said not to show any page (prompt=none).',
    next: 'Send the user to the Auth Server again without prompt=none, so they can sign in.',
    refs: [oidc('core', '3.1.2.6')],
  },
  consent_required: {
    meaning: 'The user has not consented to this client, and the request said not to show any page (prompt=none).',
    next: 'Send the user again without prompt=none, so they can consent.',
    refs: [oidc('core', '3.1.2.6')],
  },
  interaction_required: {
    meaning: 'The Auth Server needs the user to do something on its pages, and the request said not to show any (prompt=none).',
    next: 'Send the user again without prompt=none.',
    refs: [oidc('core', '3.1.2.6')],
  },
  invalid_token: {
    meaning: 'The access token is expired, revoked, malformed, not signed by the Auth Server the Resource Server trusts, or meant for another resource (aud).',
    next: 'Do not retry with the same token. Get a new one: use the refresh token if the Client has one, otherwise run the grant again.',
    refs: [ref(6750, '3.1')],
  },
  insufficient_scope: {
    meaning: 'The token is valid, but it lacks the scope this call needs; WWW-Authenticate names the scope.',
    next: 'Get a token with that scope: for a user, a new authorization request that includes it; for a client on its own, a token request that asks for it. Refreshing will not add a scope.',
    refs: [ref(6750, '3.1')],
  },
  invalid_redirect_uri: {
    meaning: 'A redirect URI in the registration request is not acceptable.',
    next: 'Register exact https redirect URIs (http only for a loopback address).',
    refs: [ref(7591, '3.2.2')],
  },
  invalid_client_metadata: {
    meaning: 'A value of the client\'s metadata is invalid or not allowed.',
    next: 'Fix the metadata the error_description names, and register again.',
    refs: [ref(7591, '3.2.2')],
  },
};

export function explainError(code: string): OAuthErrorExplanation | undefined {
  return Object.hasOwn(OAUTH_ERRORS, code) ? OAUTH_ERRORS[code] : undefined;
}
