import { presentedClient, type ClientAuthenticator } from '../core/client-auth.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../core/errors.js';
import { singleValuedParams } from '../core/form-params.js';
import { findGrant, type ProtocolRegistry } from '../registry.js';
import { isPublicClient } from '../store/types.js';
import type { GrantContext, TokenResponse } from './types.js';

export interface TokenEndpointInput {
  authorization: string | undefined;
  form: URLSearchParams;
  remoteAddress: string;
  /** The HTTP request's id, for the audit log. */
  requestId?: string | undefined;
}

export interface TokenEndpointContext {
  readonly clients: ClientAuthenticator;
  readonly registry: ProtocolRegistry;
  readonly grants: GrantContext;
  /**
   * Told of each code redemption and refresh, after it succeeded: the client is in use (the idle
   * purge of self-registered clients, core/dynamic-registration.ts ClientUseRecorder).
   */
  readonly onClientUsed?: ((clientId: string) => void) | undefined;
}

/**
 * RFC 6749 §3.2: parse, authenticate the client (§3.2.1), dispatch by grant_type to the grant
 * registry. Nothing here knows any single grant's rules.
 */
export async function handleTokenRequest(input: TokenEndpointInput, ctx: TokenEndpointContext): Promise<TokenResponse> {
  const { params, lists } = singleValuedParams(input.form, ['resource']);
  const presented = presentedClient(input.authorization, params);
  const grantType = params.grant_type;
  if (grantType === undefined) throw new InvalidRequest('grant_type is required.');
  const client = await ctx.clients.authenticate(presented, input.remoteAddress, input.requestId);
  const grant = findGrant(ctx.registry, grantType);
  if (!grant) throw new UnsupportedGrantType('This grant_type is not supported by this server; see grant_types_supported in its metadata.');
  if (!client.grantTypes.includes(grantType)) {
    throw new UnauthorizedClient('This client is not registered for this grant_type.');
  }
  if (grant.clientAuthentication === 'confidential' && isPublicClient(client)) {
    throw new UnauthorizedClient('A public client cannot use this grant_type.');
  }
  const response = await grant.exchange({ grantType, params, resources: lists.resource ?? [], remoteAddress: input.remoteAddress, requestId: input.requestId }, client, ctx.grants);
  if (grantType === 'authorization_code' || grantType === 'refresh_token') ctx.onClientUsed?.(client.clientId);
  ctx.grants.audit?.record({
    event: grantType === 'refresh_token' ? 'token.refreshed' : 'token.issued',
    grantType, clientId: client.clientId, address: input.remoteAddress, requestId: input.requestId,
  });
  return response;
}
