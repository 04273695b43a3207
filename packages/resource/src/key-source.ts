import { fetchJsonObject, UpstreamError } from './fetch-json.js';
import type { AsymmetricAlgorithm } from './jws-algorithms.js';
import { isJwkSet, KeySet, type KeySelection, type VerificationKey } from './key-set.js';

/** Where the authorization server's keys come from: given once, or fetched from its `jwks_uri`. */
export interface KeySource {
  /**
   * The key for a token's `alg` and `kid` header parameters: synchronously when it is at hand,
   * a promise when the keys must be fetched first. The answer that is not a key says why.
   */
  select(alg: AsymmetricAlgorithm, kid: unknown): KeySelection | Promise<KeySelection>;
  /**
   * The key {@link select} would choose now without fetching anything, or undefined when the keys
   * are due to be fetched again: lets a cached token be reused only while the key that verified
   * it is still the one the server publishes.
   */
  current(alg: AsymmetricAlgorithm, kid: unknown): KeySelection | undefined;
}

/** Keys given in the options (tests, air-gapped deployments): never refetched. */
export class FixedKeys implements KeySource {
  private readonly keys: KeySet;

  constructor(jwks: unknown) {
    if (!isJwkSet(jwks)) throw new TypeError('jwks must be a JSON Web Key Set: an object whose keys member is an array of JWKs.');
    this.keys = new KeySet(jwks);
  }

  select(alg: AsymmetricAlgorithm, kid: unknown): KeySelection {
    return this.keys.select(alg, kid);
  }

  current(alg: AsymmetricAlgorithm, kid: unknown): KeySelection {
    return this.keys.select(alg, kid);
  }
}

/** Options of {@link RemoteKeys}; the semantics are those of jose's `createRemoteJWKSet`. */
export interface RemoteKeysOptions {
  /** After a fetch, how long an unknown kid is refused before the keys may be fetched again. */
  cooldownMs: number;
  /** How long fetched keys are used before they are fetched again. */
  maxAgeMs: number;
  timeoutMs: number;
}

/**
 * The keys at a `jwks_uri` (RFC 8414 §2), fetched on first use, again when they are older than
 * `maxAgeMs`, and on an unknown kid (key rotation, RFC 7517 §4.5) unless the last fetch is less
 * than `cooldownMs` old, so that forged kids cannot make the resource hammer the server.
 * Concurrent fetches are one fetch.
 */
export class RemoteKeys implements KeySource {
  private keys: KeySet | undefined;
  private fetchedAtMs = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;

  constructor(private readonly url: string, private readonly options: RemoteKeysOptions) {}

  select(alg: AsymmetricAlgorithm, kid: unknown): KeySelection | Promise<KeySelection> {
    if (this.keys !== undefined && this.fresh(this.options.maxAgeMs)) {
      const selection = this.keys.select(alg, kid);
      if (selection !== 'none' || this.fresh(this.options.cooldownMs)) return selection;
    }
    return this.selectAfterFetching(alg, kid);
  }

  current(alg: AsymmetricAlgorithm, kid: unknown): KeySelection | undefined {
    return this.keys !== undefined && this.fresh(this.options.maxAgeMs) ? this.keys.select(alg, kid) : undefined;
  }

  private async selectAfterFetching(alg: AsymmetricAlgorithm, kid: unknown): Promise<KeySelection> {
    if (this.keys === undefined || !this.fresh(this.options.maxAgeMs)) await this.reload();
    let selection = (this.keys as KeySet).select(alg, kid);
    if (selection === 'none' && !this.fresh(this.options.cooldownMs)) {
      await this.reload();
      selection = (this.keys as KeySet).select(alg, kid);
    }
    return selection;
  }

  private fresh(durationMs: number): boolean {
    return Date.now() < this.fetchedAtMs + durationMs;
  }

  private reload(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchKeys(): Promise<void> {
    const jwks = await fetchJsonObject(this.url, {
      method: 'GET', headers: { accept: 'application/json, application/jwk-set+json' },
    }, this.options.timeoutMs, 'JWKS');
    if (!isJwkSet(jwks)) throw new UpstreamError('JWKS: the keys member is not an array of JWKs (RFC 7517 section 5).');
    this.keys = new KeySet(jwks);
    this.fetchedAtMs = Date.now();
  }
}

export type { KeySelection, VerificationKey };
