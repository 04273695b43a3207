import type { GrantContext } from '../grants/types.js';
import type { Client } from '../store/types.js';

/** A validated authorization request (RFC 6749 §4.1.1, §4.2.1). */
export interface AuthorizationRequest {
  client: Client;
  /** The redirect URI responses go to: the requested one, or the only registered one. */
  redirectUri: string;
  /** Whether redirect_uri was in the request: then the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriSent: boolean;
  responseType: string;
  responseMode: 'query' | 'fragment';
  scope: string[];
  state: string | undefined;
  /** RFC 7636 S256 challenge (code flow only). */
  codeChallenge: string | undefined;
  audience: string;
}

/** What the user agreed to. */
export interface ConsentedGrant {
  userId: string;
  scope: string[];
}

/** A response type: the authorization endpoint calls it once the user has signed in and consented. */
export interface ResponseTypeHandler {
  readonly responseType: string;
  readonly responseMode: 'query' | 'fragment';
  respond(request: AuthorizationRequest, grant: ConsentedGrant, ctx: GrantContext): Promise<Record<string, string>>;
}
