import { defaultResponseTypes } from './authorize/index.js';
import type { ResponseTypeHandler } from './authorize/types.js';
import { defaultGrants } from './grants/index.js';
import type { TokenGrant } from './grants/types.js';

/**
 * What the server speaks: the token endpoint's grants and the authorization endpoint's response
 * types. Client registration, the metadata document and request parsing all read it, so adding a
 * grant is its module and a line in its list (or a `grants` option of buildServer).
 */
export interface ProtocolRegistry {
  readonly grants: readonly TokenGrant[];
  readonly responseTypes: readonly ResponseTypeHandler[];
}

export const defaultRegistry: ProtocolRegistry = { grants: defaultGrants, responseTypes: defaultResponseTypes };

export function findGrant(registry: ProtocolRegistry, grantType: string): TokenGrant | undefined {
  return registry.grants.find((grant) => grant.grantType === grantType);
}

export function findResponseType(registry: ProtocolRegistry, responseType: string): ResponseTypeHandler | undefined {
  return registry.responseTypes.find((handler) => handler.responseType === responseType);
}

/**
 * The RFC 7591 grant_types values a client may register (RFC 8414 grant_types_supported): the
 * token endpoint's grants and the grants behind response types ("implicit" for token).
 */
export function registrableGrantTypes(registry: ProtocolRegistry): string[] {
  return [...new Set([...registry.grants.map((grant) => grant.grantType), ...registry.responseTypes.map((handler) => handler.grantType)])];
}

/** Grant types only confidential clients may use (RFC 6749 §4.4 for client_credentials). */
export function confidentialOnlyGrantTypes(registry: ProtocolRegistry): string[] {
  return registry.grants.filter((grant) => grant.clientAuthentication === 'confidential').map((grant) => grant.grantType);
}
