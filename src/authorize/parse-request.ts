import { resolveTokenTarget } from '../core/audience.js';
import { InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedResponseType } from '../core/errors.js';
import { singleValuedParams } from '../core/form-params.js';
import { isCodeRequestWithPkce, loopbackPortMayVary, resolveRedirectUri } from '../core/redirect-uri.js';
import { parseScope } from '../core/scope.js';
import { claimsWithinScope } from '../oidc/claims-request.js';
import { parseOpenIdRequest } from '../oidc/openid-request.js';
import { findResponseType, type ProtocolRegistry } from '../registry.js';
import type { ServerSettings } from '../server/settings.js';
import type { ClientStore, ResourceServerStore } from '../store/types.js';
import { errorRedirectNeedsUser } from './error-redirect.js';
import type { AuthorizationRequest, ResponseMode } from './types.js';

export interface AuthorizationRequestContext {
  readonly clients: ClientStore;
  readonly resourceServers: ResourceServerStore;
  readonly registry: ProtocolRegistry;
  readonly settings: ServerSettings;
}

// RFC 6749 Appendix A: VSCHAR = %x20-7E
const VSCHAR = /^[\x20-\x7E]+$/;

/**
 * An error the server must show on its own page and never redirect: RFC 6749 §4.1.2.1, the
 * client or redirect URI cannot be trusted, so redirecting would make an open redirector.
 */
export class UntrustedRedirectError extends Error {
  constructor(readonly title: string, readonly description: string) {
    super(description);
    this.name = 'UntrustedRedirectError';
  }
}

/**
 * An error to send back to the client's (verified) redirect URI: at once when an administrator
 * registered the client, by the user's choice on the server's page when it registered itself
 * (`userDecides`, authorize/error-redirect.ts).
 */
export class RedirectableError extends Error {
  constructor(
    readonly oauthError: OAuthError,
    readonly redirectUri: string,
    readonly responseMode: ResponseMode,
    readonly state: string | undefined,
    readonly userDecides: boolean,
  ) {
    super(oauthError.message);
    this.name = 'RedirectableError';
  }
}

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 requires: client and
 * redirect URI first (failures stay on the server), then everything else (failures redirect, or,
 * for a self-registered client, are shown with a link the user may follow: RFC 9700 §4.11.2).
 */
export async function parseAuthorizationRequest(query: URLSearchParams, ctx: AuthorizationRequestContext): Promise<AuthorizationRequest> {
  const clientIds = query.getAll('client_id');
  const redirectUris = query.getAll('redirect_uri');
  if (clientIds.length !== 1 || !VSCHAR.test(clientIds[0] as string)) {
    throw new UntrustedRedirectError('Missing client', 'The request must name exactly one client_id.');
  }
  if (redirectUris.some((uri) => /[\u0000-\u001F\u007F]/.test(uri))) throw new UntrustedRedirectError('Invalid redirect URI', 'redirect_uri contains control characters.');
  if (redirectUris.length > 1) throw new UntrustedRedirectError('Invalid redirect URI', 'redirect_uri is repeated.');
  const client = await ctx.clients.get(clientIds[0] as string);
  if (!client) throw new UntrustedRedirectError('Unknown client', 'No client is registered with this client_id.');
  const requestedRedirect = redirectUris[0] === '' ? undefined : redirectUris[0];
  const anyLoopbackPort = loopbackPortMayVary(client, 'code', isCodeRequestWithPkce(query));
  const redirectUri = resolveRedirectUri(client, requestedRedirect, anyLoopbackPort);
  if (redirectUri === undefined) {
    throw new UntrustedRedirectError('Invalid redirect URI', requestedRedirect === undefined
      ? 'redirect_uri is required because the client has several registered.'
      : 'The redirect_uri is not registered for this client (it must match exactly).');
  }

  // RFC 6749 Appendix A.5: state = 1*VSCHAR. Anything else is refused, and not sent back.
  const rawState = query.get('state') ?? undefined;
  const stateIsValid = rawState === undefined || rawState === '' || VSCHAR.test(rawState);
  const firstState = stateIsValid ? rawState : undefined;
  // Errors go back the way the response type answers (RFC 6749 §4.2.2.1: in the fragment for
  // implicit); an unknown or missing one answers in the query.
  const responseMode = findResponseType(ctx.registry, query.get('response_type') ?? '')?.responseMode ?? 'query';
  // Nothing the user did led here: a self-registered client's URI gets no automatic redirect.
  const fail = (error: OAuthError) => new RedirectableError(error, redirectUri, responseMode, firstState === '' ? undefined : firstState, errorRedirectNeedsUser(client));
  try {
    if (!stateIsValid) throw new InvalidRequest('state must be printable ASCII (RFC 6749 appendix A.5).');
    const { params, lists } = singleValuedParams(query, ['resource']);
    const responseType = params.response_type;
    if (responseType === undefined) throw new InvalidRequest('response_type is required.');
    const handler = findResponseType(ctx.registry, responseType);
    if (!handler || !client.responseTypes.includes(responseType)) {
      // RFC 6749 §4.1.2.1: unsupported_response_type for a type this server does not offer;
      // unauthorized_client for one this client is not registered for.
      if (!handler) throw new UnsupportedResponseType('This response_type is not supported by this server; see response_types_supported in its metadata.');
      throw new UnauthorizedClient('This client is not registered for this response_type.');
    }
    if (params.response_mode !== undefined && params.response_mode !== handler.responseMode) {
      throw new InvalidRequest(handler.responseMode === 'query' ? 'response_mode must be query for this response_type.' : 'response_mode must be fragment for this response_type.');
    }
    const requestedScope = parseScope(params.scope);
    const respond = handler.prepare(params, client, ctx.settings);
    const { scope, audience } = await resolveTokenTarget({ scope: requestedScope, resources: lists.resource ?? [] }, client, ctx.settings, ctx.resourceServers);
    // Core §3.1.2.1: an OpenID request names openid in its scope (a default scope does not make one).
    const parsed = parseOpenIdRequest(params, requestedScope.includes('openid') ? scope : [], responseType);
    // Core §3.1.2.1: redirect_uri is REQUIRED in an OpenID request (the one registered URI, already
    // verified above, receives the error).
    if (parsed && requestedRedirect === undefined) throw new InvalidRequest('redirect_uri is required in an OpenID Connect request.');
    // Individually requested claims stay within what the client's registered scope could release.
    const openid = parsed && { ...parsed, claims: claimsWithinScope(parsed.claims, client.scope) };
    return {
      client, redirectUri, redirectUriSent: requestedRedirect !== undefined, responseType,
      responseMode: handler.responseMode, scope, state: params.state, audience, respond, ...(openid ? { openid } : {}),
    };
  } catch (error) {
    if (error instanceof OAuthError) throw fail(error);
    throw error;
  }
}
