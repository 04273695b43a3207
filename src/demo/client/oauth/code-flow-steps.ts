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

/** Why a callback was refused, in words for the visitor. */
export function callbackProblem(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) {
    return `The Auth Server answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  return `The client refused the response: ${(error as Error).message}`;
}
