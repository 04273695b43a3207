import { codeResponseType } from './code.js';
import { tokenResponseType } from './token.js';
import type { ResponseTypeHandler } from './types.js';

/** The built-in response types: adding one is a module and a line here. */
export const defaultResponseTypes: readonly ResponseTypeHandler[] = [codeResponseType, tokenResponseType];

export { defineResponseType } from './types.js';
export type { AuthorizationRequest, ConsentedGrant, ResponseTypeDefinition, ResponseTypeHandler } from './types.js';
