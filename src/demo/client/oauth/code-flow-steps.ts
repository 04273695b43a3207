import type { FastifyRequest } from 'fastify';
import * as oauth from 'oauth4webapi';
import type { Exchange } from '../exchange/exchange.js';
import { maskedParams } from '../exchange/masking.js';

/** What the client remembers between sending the browser away and its return. */
export interface PendingAuthorization {
  authorizationUrl: string;
  state: string;
  codeVerifier: string;
}

export interface AuthorizationRequestInput {
  clientId: string;
  redirectUri: string;
  scope: readonly string[];
  /** The API the token is for (RFC 8707); it becomes the token's `aud`. */
  resource: string;
}

/**
 * An authorization request with PKCE (RFC 7636) and state, built with oauth4webapi's generators:
 * the client keeps the verifier and state, the URL carries only the S256 challenge.
 */
export async function authorizationRequest(as: oauth.AuthorizationServer, input: AuthorizationRequestInput): Promise<PendingAuthorization> {
  if (as.authorization_endpoint === undefined) throw new Error('The Auth Server metadata has no authorization_endpoint.');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', input.scope.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('resource', input.resource);
  return { authorizationUrl: url.href, state, codeVerifier };
}

/** The browser's visit to the Auth Server, as far as the client can know it: the URL it sent the browser to. */
export function authorizationNavigation(authorizationUrl: string): Exchange {
  const url = new URL(authorizationUrl);
  return {
    vantage: 'redirect',
    request: { method: 'GET', url: `${url.origin}${url.pathname}`, query: maskedParams(url.searchParams), headers: [] },
    jwts: [],
  };
}

/**
 * Whether a callback's error came from the Auth Server: oauth4webapi's validateAuthResponse throws
 * AuthorizationResponseError only after the iss (RFC 9207 §2.4) and state (RFC 6749 §10.12) checks
 * passed. Any other failure means the Client did not accept the callback, and its error parameters
 * are whatever the sender of the link wrote.
 */
export function callbackFromAuthServer(error: unknown): error is oauth.AuthorizationResponseError {
  return error instanceof oauth.AuthorizationResponseError;
}

/** What the Client says when it does not accept a callback; the callback's own error text is never shown as the Auth Server's. */
export const CALLBACK_NOT_ACCEPTED = 'The Client did not accept this callback';

/** Why a callback was refused, in words for the visitor. */
export function callbackProblem(error: unknown): string {
  if (callbackFromAuthServer(error)) {
    return `The Auth Server answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  return `${CALLBACK_NOT_ACCEPTED}: ${(error as Error).message}. Any error in it is not shown: it did not pass the Client's checks, so the Auth Server may not have sent it.`;
}

/** The failed callback step's record: marked rejected by the Client unless the error passed the Client's checks. */
export function failedCallbackRecord(exchange: Exchange, error: unknown): { exchange: Exchange; part: 'request'; state: 'failed'; rejectedByClient?: boolean } {
  return callbackFromAuthServer(error) ? { exchange, part: 'request', state: 'failed' } : { exchange, part: 'request', state: 'failed', rejectedByClient: true };
}

/**
 * The query a flow's callback redirects to when it finds no flow pending (an old or foreign callback
 * URL): the page then says so. A query rather than the session, because page views store no session.
 */
export const FOREIGN_CALLBACK = 'callback=foreign';

export function isForeignCallbackReturn(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  return query?.callback === 'foreign';
}
