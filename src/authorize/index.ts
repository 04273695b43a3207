import { codeResponseType } from './code.js';
import { tokenResponseType } from './token.js';
import type { ResponseTypeHandler } from './types.js';

/** The response type registry: adding one is a module and a line here. */
export const responseTypes: readonly ResponseTypeHandler[] = [codeResponseType, tokenResponseType];

export function findResponseType(responseType: string): ResponseTypeHandler | undefined {
  return responseTypes.find((handler) => handler.responseType === responseType);
}

export type { AuthorizationRequest, ConsentedGrant, ResponseTypeHandler } from './types.js';
