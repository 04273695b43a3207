import { InvalidRequest } from '../core/errors.js';
import { parseClaimsParameter, type ClaimsRequest } from './claims-request.js';

/** Core §3.1.2.1 prompt values. */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];

/** The OpenID Connect part of an authorization request (Core §3.1.2.1) whose scope has `openid`. */
export interface OpenIdRequest {
  /** Core §3.1.2.1 nonce: echoed in the ID token; bound to the code through its OpenID grant. */
  nonce: string | undefined;
  /** Core §5.5, validated. */
  claims: ClaimsRequest | undefined;
  prompt: readonly Prompt[];
}

/** A nonce is opaque to the OP; this bounds what one request stores (RPs send 22 to 64 characters). */
const MAX_NONCE_LENGTH = 512;
// Printable ASCII, as every other request parameter stored and echoed here.
const VSCHAR = /^[\x20-\x7E]+$/;

/**
 * The OpenID Connect parameters of a code-flow request with the `openid` scope value (Core §3.1.2.1);
 * undefined for any other request, which stays plain OAuth 2 (the implicit `token` response type
 * included: Tessera issues no ID token from the authorization endpoint). Malformed values are
 * invalid_request, which the authorization endpoint redirects.
 */
export function parseOpenIdRequest(params: Readonly<Record<string, string>>, scope: readonly string[], responseType: string): OpenIdRequest | undefined {
  if (!scope.includes('openid') || responseType !== 'code') return undefined;
  const { nonce } = params;
  if (nonce !== undefined && (nonce.length > MAX_NONCE_LENGTH || !VSCHAR.test(nonce))) {
    throw new InvalidRequest('nonce must be printable ASCII of at most 512 characters.');
  }
  const prompt = params.prompt === undefined ? [] : [...new Set(params.prompt.split(' ').filter((value) => value !== ''))];
  if (!prompt.every((value): value is Prompt => (PROMPT_VALUES as readonly string[]).includes(value))) {
    throw new InvalidRequest('prompt must be made of none, login, consent and select_account (OpenID Connect Core section 3.1.2.1).');
  }
  // Core §3.1.2.1: none with any other value is an error.
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values.');
  return { nonce: nonce === '' ? undefined : nonce, claims: parseClaimsParameter(params.claims), prompt };
}
