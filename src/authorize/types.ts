import type { GrantContext } from '../grants/types.js';
import type { ServerSettings } from '../server/settings.js';
import type { OpenIdRequest } from '../oidc/openid-request.js';
import type { Client } from '../store/types.js';

export type ResponseMode = 'query' | 'fragment';

/** What the response type's handler prepared from its own parameters, run once the user agreed. */
export type PreparedResponse = (request: AuthorizationRequest, grant: ConsentedGrant, ctx: GrantContext) => Promise<Record<string, string>>;

/** A validated authorization request (RFC 6749 §4.1.1, §4.2.1). */
export interface AuthorizationRequest {
  client: Client;
  /** The redirect URI responses go to: the requested one, or the only registered one. */
  redirectUri: string;
  /** Whether redirect_uri was in the request: then the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriSent: boolean;
  responseType: string;
  responseMode: ResponseMode;
  scope: string[];
  state: string | undefined;
  audience: string;
  /** The response type's own part, with its parameters (PKCE for code) already checked. */
  respond: PreparedResponse;
  /** Present for an OpenID Connect request (a code request whose scope has openid, oidc/openid-request.ts). */
  openid?: OpenIdRequest | undefined;
}

/** What the user agreed to. */
export interface ConsentedGrant {
  userId: string;
  scope: string[];
  /** How and when the user signed in, and the browser session's sid: what an ID token says (OpenID Connect Core §2). */
  authentication?: { authTime: number; sid: string | null; amr: string[] } | undefined;
}

/** A response type as its module defines it, with its own typed parameters. */
export interface ResponseTypeDefinition<P> {
  readonly responseType: string;
  readonly responseMode: ResponseMode;
  /** The RFC 7591 grant_types value a client registers to use this response type (RFC 7591 §2.1). */
  readonly grantType: string;
  /** Checks the parameters only this response type has; throws an OAuthError, which is redirected. */
  parse(params: Readonly<Record<string, string>>, client: Client, settings: ServerSettings): P;
  respond(request: AuthorizationRequest, params: P, grant: ConsentedGrant, ctx: GrantContext): Promise<Record<string, string>>;
}

/** A registered response type: the authorization endpoint calls it once the user has signed in and consented. */
export interface ResponseTypeHandler {
  readonly responseType: string;
  readonly responseMode: ResponseMode;
  readonly grantType: string;
  prepare(params: Readonly<Record<string, string>>, client: Client, settings: ServerSettings): PreparedResponse;
}

export function defineResponseType<P>(definition: ResponseTypeDefinition<P>): ResponseTypeHandler {
  return {
    responseType: definition.responseType,
    responseMode: definition.responseMode,
    grantType: definition.grantType,
    prepare(params, client, settings) {
      const parsed = definition.parse(params, client, settings);
      return (request, grant, ctx) => definition.respond(request, parsed, grant, ctx);
    },
  };
}
