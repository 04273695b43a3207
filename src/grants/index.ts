import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { TokenGrant } from './types.js';

/** The built-in grants: adding a grant is a module and a line here. */
export const defaultGrants: readonly TokenGrant[] = [authorizationCodeGrant, clientCredentialsGrant, passwordGrant, refreshTokenGrant];

export { defineGrant } from './types.js';
export type { ClientAuthenticationPolicy, GrantContext, GrantDefinition, TokenEndpointRequest, TokenGrant, TokenResponse } from './types.js';
