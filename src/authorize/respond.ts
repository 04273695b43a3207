import type { OAuthError } from '../core/errors.js';
import { buildRedirect } from '../core/redirect-uri.js';
import type { GrantContext } from '../grants/types.js';
import type { AuthorizationRequest, ConsentedGrant } from './types.js';

/** Where an authorization response or error goes. */
export type ResponseTarget = Pick<AuthorizationRequest, 'redirectUri' | 'responseMode' | 'state'>;

/** RFC 9207 §2: every authorization response carries iss; RFC 6749 §4.1.2: and state when it was sent. */
function withStateAndIssuer(params: Record<string, string>, state: string | undefined, issuer: string): Record<string, string> {
  return { ...params, ...(state !== undefined ? { state } : {}), iss: issuer };
}

/** The redirect that ends a successful authorization. */
export async function authorizationResponse(request: AuthorizationRequest, grant: ConsentedGrant, ctx: GrantContext): Promise<string> {
  const params = await request.respond(request, grant, ctx);
  return buildRedirect(request.redirectUri, withStateAndIssuer(params, request.state, ctx.settings.issuer), request.responseMode);
}

/** The redirect that ends an authorization with an error (RFC 6749 §4.1.2.1, §4.2.2.1). */
export function errorResponse(error: OAuthError, target: ResponseTarget, issuer: string): string {
  return buildRedirect(target.redirectUri,
    withStateAndIssuer({ error: error.error, error_description: error.description }, target.state, issuer), target.responseMode);
}
