import { InvalidRequest, RegistrationNotSupported, RequestNotSupported, RequestUriNotSupported } from '../core/errors.js';
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
  /**
   * Core §3.1.2.1 max_age: the longest time, in seconds, since the user last actively
   * authenticated; older sessions must sign in again (0: always, like prompt=login).
   */
  maxAge?: number | undefined;
  /** Core §3.1.2.1 login_hint: what the user may sign in with; only prefills the sign-in page, never trusted. */
  loginHint?: string | undefined;
  /** Core §3.1.2.1 id_token_hint, as sent (a compact JWS); the interaction verifies it (oidc/id-token-hint.ts). */
  idTokenHint?: string | undefined;
  /**
   * Core §3.1.2.1 ui_locales, as BCP 47 tags in the order of preference. Accepted; the pages
   * are in English only, so nothing else follows from it (no error either, as the Core says).
   */
  uiLocales?: readonly string[] | undefined;
}

/** A nonce is opaque to the OP; this bounds what one request stores (RPs send 22 to 64 characters). */
const MAX_NONCE_LENGTH = 512;
// Printable ASCII, as every other request parameter stored and echoed here.
const VSCHAR = /^[\x20-\x7E]+$/;
/** A hint is prefilled on the sign-in page; a longer one is no username anyone types, so it is ignored. */
const MAX_LOGIN_HINT_LENGTH = 256;
/** An ID token of this server is a few kilobytes at most; anything far larger is not one. */
const MAX_ID_TOKEN_HINT_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** max_age as a JSON number of seconds, non-negative; ten digits are over 300 years. */
const MAX_AGE = /^\d{1,10}$/;
// BCP 47 language tags, loosely: letters, digits and hyphens (RFC 5646 §2.1), a handful of them.
const UI_LOCALE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const MAX_UI_LOCALES = 16;

function parsePrompt(value: string | undefined): Prompt[] {
  const prompt = value === undefined ? [] : [...new Set(value.split(' ').filter((item) => item !== ''))];
  if (!prompt.every((item): item is Prompt => (PROMPT_VALUES as readonly string[]).includes(item))) {
    throw new InvalidRequest('prompt must be made of none, login, consent and select_account (OpenID Connect Core section 3.1.2.1).');
  }
  // Core §3.1.2.1: "If this parameter contains none with any other value, an error is returned."
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values.');
  return prompt;
}

function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!MAX_AGE.test(value)) throw new InvalidRequest('max_age must be a non-negative number of seconds.');
  return Number(value);
}

/** The hint the sign-in page may prefill, or nothing: the Core leaves its use to the OP, so a value that cannot be a username is ignored, not refused. */
function parseLoginHint(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.length > MAX_LOGIN_HINT_LENGTH || !VSCHAR.test(value)) return undefined;
  return value;
}

function parseIdTokenHint(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_ID_TOKEN_HINT_LENGTH || !COMPACT_JWS.test(value)) throw new InvalidRequest('id_token_hint must be an ID token issued by this server.');
  return value;
}

/** Core §3.1.2.1: "An error SHOULD NOT result if some or all of the requested locales are not supported": malformed tags are dropped. */
function parseUiLocales(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value.split(' ').filter((tag) => UI_LOCALE.test(tag)).slice(0, MAX_UI_LOCALES);
  return tags.length > 0 ? tags : undefined;
}

/**
 * The OpenID Connect parameters of a code-flow request with the `openid` scope value (Core §3.1.2.1);
 * undefined for any other request, which stays plain OAuth 2 (the implicit `token` response type
 * included: Tessera issues no ID token from the authorization endpoint). Malformed values are
 * invalid_request, which the authorization endpoint redirects.
 */
export function parseOpenIdRequest(params: Readonly<Record<string, string>>, scope: readonly string[], responseType: string): OpenIdRequest | undefined {
  if (!scope.includes('openid') || responseType !== 'code') return undefined;
  // Core §6.1, §6.2, §7.2.1: an OP that does not support request objects (request,
  // request_uri) or self-issued registration MUST answer these errors (discovery says false).
  if (params.request !== undefined) throw new RequestNotSupported('Request objects (the request parameter) are not supported.');
  if (params.request_uri !== undefined) throw new RequestUriNotSupported('The request_uri parameter is not supported.');
  if (params.registration !== undefined) throw new RegistrationNotSupported('The registration parameter is not supported.');
  const { nonce } = params;
  if (nonce !== undefined && (nonce.length > MAX_NONCE_LENGTH || !VSCHAR.test(nonce))) {
    throw new InvalidRequest('nonce must be printable ASCII of at most 512 characters.');
  }
  const maxAge = parseMaxAge(params.max_age);
  const loginHint = parseLoginHint(params.login_hint);
  const idTokenHint = parseIdTokenHint(params.id_token_hint);
  const uiLocales = parseUiLocales(params.ui_locales);
  return {
    nonce: nonce === '' ? undefined : nonce, claims: parseClaimsParameter(params.claims), prompt: parsePrompt(params.prompt),
    ...(maxAge !== undefined ? { maxAge } : {}), ...(loginHint !== undefined ? { loginHint } : {}),
    ...(idTokenHint !== undefined ? { idTokenHint } : {}), ...(uiLocales !== undefined ? { uiLocales } : {}),
  };
}
