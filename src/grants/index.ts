import { clientCredentialsGrant } from './client-credentials.js';
import type { TokenGrant } from './types.js';

/** The grant registry: adding a grant is a module and a line here. */
export const grants: readonly TokenGrant[] = [clientCredentialsGrant];

export function findGrant(grantType: string): TokenGrant | undefined {
  return grants.find((grant) => grant.grantType === grantType);
}

export type { GrantContext, TokenGrant, TokenRequest, TokenResponse } from './types.js';
