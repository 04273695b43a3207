import { REGISTRY_STALE_LIMIT_MS } from './registry-cache.js';
import type { AccessTokenIdentity } from './types.js';

/**
 * The keys of the access_token_denials table, shared by both backends (types.ts AccessTokenDenyList).
 * The prefixes keep the kinds apart; a cut-off's key is JSON so that no user or client id can
 * spell another's.
 */
export const denialKey = {
  token: (jti: string): string => `jti:${jti}`,
  family: (familyId: string): string => `family:${familyId}`,
  /** null: any user, or any client. */
  cutoff: (userId: string | null, clientId: string | null): string => `cutoff:${JSON.stringify([userId, clientId])}`,
};

/**
 * The keys that may deny `token`: any row under an `absolute` key denies it, a row under a `cutoffs`
 * key when its denied_at is at or after the token's iat. The subject is looked up as a user even
 * for a token with no user (sub is then the client_id): at worst a cut-off of a user whose id is a
 * client_id also ends that client's own tokens, which fails safe.
 */
export function denialKeysOf(token: AccessTokenIdentity): { absolute: [string, string]; cutoffs: [string, string, string] } {
  const jti = denialKey.token(token.jti);
  return {
    absolute: [jti, token.familyId === null ? jti : denialKey.family(token.familyId)],
    cutoffs: [
      denialKey.cutoff(token.subject, null),
      denialKey.cutoff(token.subject, token.clientId),
      denialKey.cutoff(null, token.clientId),
    ],
  };
}

/**
 * The time a cut-off is dated: the clock when the ending transaction writes it, or the caller's
 * `now` when that is later (tests date events ahead). Never the caller's earlier `now`: a cut-off
 * must deny every token minted before the change commits (DESIGN.md "Access tokens are not stored").
 */
export function cutoffTime(now: number): number {
  return Math.max(now, Math.floor(Date.now() / 1000));
}

/**
 * How far ahead of its deletion a client's cut-off is dated, in seconds: the bound on a process's
 * client cache (REGISTRY_STALE_LIMIT_MS) plus a second. A process whose cache still holds the
 * deleted client keeps issuing its tokens for up to that bound; dated ahead, the cut-off ends them
 * too. A client registered again under the same client_id within that time gets tokens that are
 * inactive until it has passed (fails safe). Instances' clocks must agree within the extra second.
 */
export const CLIENT_CUTOFF_AHEAD_SECONDS = Math.ceil(REGISTRY_STALE_LIMIT_MS / 1000) + 1;

/** The time a cut-off of `owner` is dated (see cutoffTime, CLIENT_CUTOFF_AHEAD_SECONDS). */
export function cutoffTimeOf(owner: { userId?: string; clientId?: string }, now: number): number {
  const clientDeleted = owner.clientId !== undefined && owner.userId === undefined;
  return cutoffTime(now) + (clientDeleted ? CLIENT_CUTOFF_AHEAD_SECONDS : 0);
}
