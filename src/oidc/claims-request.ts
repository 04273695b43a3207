import { InvalidRequest } from '../core/errors.js';
import { SCOPE_CLAIMS, STANDARD_CLAIMS } from './standard-claims.js';

/** Core §5.5.1: how one claim is requested (null: by default, no particulars). */
export interface ClaimRequest {
  essential: boolean;
  /** Requested values (`value` or `values`), when given. */
  values?: readonly unknown[] | undefined;
}

/** Core §5.5: the `claims` request parameter, for the two places claims are returned. */
export interface ClaimsRequest {
  userinfo: Readonly<Record<string, ClaimRequest>>;
  id_token: Readonly<Record<string, ClaimRequest>>;
}

/** Large enough for every standard claim with values; a bound on what one request may carry. */
const MAX_CLAIMS_PARAMETER_LENGTH = 8_192;

/**
 * Parses and validates the `claims` request parameter (OpenID Connect Core §5.5). It is a JSON
 * object whose `userinfo` and `id_token` members map claim names to null or an object of
 * `essential` (boolean), `value`, `values` (array). Anything malformed is invalid_request; members
 * other than those two, claims this server does not know, and unknown members of a claim's
 * request are ignored (Core §5.5: "not understood ... MUST be ignored"). Undefined when absent.
 */
export function parseClaimsParameter(value: string | undefined): ClaimsRequest | undefined {
  if (value === undefined) return undefined;
  if (value.length > MAX_CLAIMS_PARAMETER_LENGTH) throw new InvalidRequest('The claims parameter is too long.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidRequest('The claims parameter must be a JSON object (OpenID Connect Core section 5.5).');
  }
  if (!isObject(parsed)) throw new InvalidRequest('The claims parameter must be a JSON object (OpenID Connect Core section 5.5).');
  return { userinfo: parseMember(parsed.userinfo, 'userinfo'), id_token: parseMember(parsed.id_token, 'id_token') };
}

function parseMember(member: unknown, name: 'userinfo' | 'id_token'): Record<string, ClaimRequest> {
  if (member === undefined || member === null) return {};
  if (!isObject(member)) throw new InvalidRequest(`The ${name} member of the claims parameter must be a JSON object.`);
  const requests: Record<string, ClaimRequest> = {};
  for (const [claim, request] of Object.entries(member)) {
    let parsed: ClaimRequest;
    if (request === null) parsed = { essential: false };
    else if (isObject(request)) {
      // Core §5.5.1: essential is a boolean; value a single value; values an array.
      if (request.essential !== undefined && typeof request.essential !== 'boolean') throw new InvalidRequest('essential in the claims parameter must be true or false.');
      if (request.values !== undefined && !Array.isArray(request.values)) throw new InvalidRequest('values in the claims parameter must be an array.');
      const values = request.value !== undefined ? [request.value] : (request.values as unknown[] | undefined);
      parsed = { essential: request.essential === true, ...(values !== undefined ? { values } : {}) };
    } else {
      throw new InvalidRequest('Each claim of the claims parameter must be null or a JSON object (OpenID Connect Core section 5.5.1).');
    }
    if (STANDARD_CLAIMS.includes(claim) || claim === 'auth_time') requests[claim] = parsed;
  }
  return requests;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The claim names a claims request asks for in one place, for the consent page and the tokens. */
export function requestedClaimNames(request: ClaimsRequest | undefined, where: 'userinfo' | 'id_token'): string[] {
  return request ? Object.keys(request[where]) : [];
}

/**
 * The part of a claims request the client may have: `sub`, `auth_time`, and the claims that a scope
 * value of the client's registered scope would release (Core §5.4). A client registered for
 * `openid profile` cannot get the user's email by naming it in `claims`: the registered scope is
 * what an administrator allowed it. The rest is dropped, as Core §5.5 lets the OP do ("the OP MAY
 * choose not to return" a requested claim; an essential one too, §5.5.1, without an error).
 */
export function claimsWithinScope(request: ClaimsRequest | undefined, registeredScope: readonly string[]): ClaimsRequest | undefined {
  if (request === undefined) return undefined;
  const allowed = new Set(['sub', 'auth_time']);
  for (const value of registeredScope) for (const claim of SCOPE_CLAIMS[value] ?? []) allowed.add(claim);
  const keep = (member: Readonly<Record<string, ClaimRequest>>) => Object.fromEntries(Object.entries(member).filter(([name]) => allowed.has(name)));
  return { userinfo: keep(request.userinfo), id_token: keep(request.id_token) };
}
