import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerSecrets } from './server-secrets.js';

/**
 * How one kind of secret (tokens, client secrets) is kept at rest: HMAC-SHA-256 under a key
 * derived from the server secret, so that a stolen database alone cannot be used to test guesses
 * (of a person-chosen client secret, say). New data uses the current secret's key; data hashed
 * under an older secret, or with the plain SHA-256 of earlier versions, still matches.
 */
export class KeyedHash {
  private readonly keys: readonly Buffer[];

  constructor(secrets: ServerSecrets, purpose: string) {
    this.keys = secrets.keys(purpose);
  }

  /** The hash new data is stored under. */
  hash(value: string): string {
    return hmac(this.keys[0] as Buffer, value);
  }

  /** Every hash `value` may be stored under, the current one first: for lookups by hash. */
  candidates(value: string): string[] {
    return [...this.keys.map((key) => hmac(key, value)), legacySha256(value)];
  }

  /**
   * Whether `value` hashes to `stored` under any accepted key, compared in constant time;
   * `current` says whether it was the current key's (otherwise the caller may rehash it).
   */
  verify(value: string, stored: string): { ok: boolean; current: boolean } {
    let match = -1;
    const candidates = this.candidates(value);
    // Every candidate is compared, so the time does not tell which one matched.
    candidates.forEach((candidate, index) => { if (hashesEqual(candidate, stored) && match < 0) match = index; });
    return { ok: match >= 0, current: match === 0 };
  }

  /** Finds a record by the hash of `value`, trying the current key first. */
  async find<T>(value: string, lookup: (hash: string) => Promise<T | undefined>): Promise<T | undefined> {
    for (const candidate of this.candidates(value)) {
      const found = await lookup(candidate);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/** The keyed hashes of one server: tokens, codes and sessions; client secrets apart. */
export class SecretHashing {
  readonly tokens: KeyedHash;
  readonly clientSecrets: KeyedHash;

  constructor(secrets: ServerSecrets) {
    this.tokens = new KeyedHash(secrets, 'token hash');
    this.clientSecrets = new KeyedHash(secrets, 'client secret hash');
  }
}

function hmac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** How versions before the server secret kept tokens and client secrets: SHA-256, base64url. */
export function legacySha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time comparison of two hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
