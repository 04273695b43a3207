import type { AccessTokenClaims } from './claims.js';
import type { AsymmetricAlgorithm } from './jws-algorithms.js';
import type { VerificationKey } from './key-set.js';

/** A verified token's claims, frozen: the same object is handed to every request that presents it. */
export interface CachedToken {
  readonly claims: AccessTokenClaims;
  /** `nbf`, when the token has one: re-checked on every hit, like `exp`. */
  readonly notBefore: number | undefined;
  /** The token's alg and kid, and the key they selected when it was verified. */
  readonly alg: AsymmetricAlgorithm;
  readonly kid: unknown;
  readonly key: VerificationKey;
}

/**
 * JWT access tokens whose signature and claims have been verified, by the exact token string, so
 * that a client calling the API again with the same token costs one Map read instead of a
 * signature check. Only verified tokens enter (an attacker's invalid tokens never do), and it is
 * bounded: when full, the least recently used entry goes. An entry is only a shortcut past the
 * signature: on every hit the caller re-applies the time checks (exp, nbf) with the clock of the
 * moment and checks that the key is still the one the server publishes; an expired entry is dropped.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, CachedToken>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): CachedToken | undefined {
    const entry = this.entries.get(token);
    if (entry !== undefined) {
      // Least recently used goes first: a Map iterates in insertion order, so a hit moves to the end.
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry;
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  set(token: string, entry: CachedToken): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(token);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, entry);
  }
}

/** Freezes a JSON value and everything in it (claims as received hold only JSON values). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
}

/** Freezes claims (and every claim as received) so that one request cannot change what the next one sees. */
export function frozenClaims(claims: AccessTokenClaims): AccessTokenClaims {
  deepFreeze(claims.raw);
  Object.freeze(claims.scopes);
  Object.freeze(claims.audience);
  return Object.freeze(claims);
}
