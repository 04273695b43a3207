import { authenticateClient, presentedClient } from '../core/client-auth.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../core/errors.js';
import { singleValuedParams } from '../core/form-params.js';
import { findGrant } from './index.js';
import type { GrantContext, TokenResponse } from './types.js';

export interface TokenEndpointInput {
  authorization: string | undefined;
  form: URLSearchParams;
  remoteAddress: string;
}

/**
 * RFC 6749 §3.2: parse, authenticate the client (§3.2.1), dispatch by grant_type to the grant
 * registry. Nothing here knows any single grant's rules.
 */
export async function handleTokenRequest(input: TokenEndpointInput, ctx: GrantContext): Promise<TokenResponse> {
  const { params, lists } = singleValuedParams(input.form, ['resource']);
  const presented = presentedClient(input.authorization, params);
  const grantType = params.grant_type;
  if (grantType === undefined) throw new InvalidRequest('grant_type is required.');
  const client = await authenticateClient(presented, ctx.store.clients);
  const grant = findGrant(grantType);
  if (!grant) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported by this server.`);
  if (!client.grantTypes.includes(grantType)) {
    throw new UnauthorizedClient(`This client is not registered for the ${grantType} grant.`);
  }
  return grant.handle(
    { grantType, params, resources: lists.resource ?? [], remoteAddress: input.remoteAddress }, client, ctx);
}
