import type { UserClaims } from '../store/types.js';
import { SCOPE_CLAIMS } from './standard-claims.js';

/**
 * The names of the user claims a grant releases: those of its scope values (Core §5.4) and those
 * requested one by one (the `claims` parameter, Core §5.5), `sub` aside. Requested claims are the
 * user's to allow on the consent page, which lists them.
 */
export function releasedClaimNames(scope: readonly string[], requested: readonly string[]): string[] {
  const names = new Set<string>();
  for (const value of scope) for (const claim of SCOPE_CLAIMS[value] ?? []) names.add(claim);
  for (const claim of requested) if (claim !== 'sub' && claim !== 'auth_time') names.add(claim);
  return [...names];
}

/**
 * The user's values of `names`. Core §5.3.2: a claim the user has no value for is omitted, never
 * sent as null or an empty string; an essential claim the server cannot provide is omitted as
 * well (Core §5.5.1: no error). `sub` is never among the user's claims: the caller adds it.
 */
export function selectClaims(userClaims: UserClaims, names: readonly string[]): Record<string, unknown> {
  const selected: Record<string, unknown> = {};
  for (const name of names) {
    const value = userClaims[name];
    if (value !== undefined && value !== null && value !== '') selected[name] = value;
  }
  return selected;
}
