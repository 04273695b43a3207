import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { TokenGrant } from './types.js';

/** The grant registry: adding a grant is a module and a line here. */
export const grants: readonly TokenGrant[] = [authorizationCodeGrant, clientCredentialsGrant, passwordGrant, refreshTokenGrant];

export function findGrant(grantType: string): TokenGrant | undefined {
  return grants.find((grant) => grant.grantType === grantType);
}

export type { GrantContext, TokenGrant, TokenRequest, TokenResponse } from './types.js';
