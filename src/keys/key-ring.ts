import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import type { KeyStore, SigningAlg, SigningKey } from '../store/types.js';
import { isSealed, openJwk, sealJwk } from './sealed-jwk.js';

export interface PublicJwks {
  keys: Record<string, unknown>[];
}

/** What the token issuer signs with: the kid and alg of the JWS header, and the private key. */
export interface Signer {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly key: KeyObject;
  readonly createdAt: number;
  readonly signsFrom: number;
}

/** How often a running server reads the keys again by default (issue: key changes within 10 s). */
export const DEFAULT_KEY_RELOAD_MS = 5_000;

/**
 * Beyond the JWKS max-age before a rotated key signs: the servers read the keys every few
 * seconds, and a resource server's fetch may have started just before the key was published.
 */
export const GRACE_MARGIN_SECONDS = 60;

/** The default grace period of a rotation: the JWKS max-age plus a margin. */
export function defaultGraceSeconds(jwksMaxAge: number): number {
  return jwksMaxAge + GRACE_MARGIN_SECONDS;
}

/**
 * Creates a new signing key (ES256 unless told); its kid is the RFC 7638 thumbprint. It may sign
 * from `signsFrom` on (default: at once, `createdAt`).
 */
export async function generateSigningKey(createdAt: number, options: { alg?: SigningAlg; signsFrom?: number } = {}): Promise<SigningKey> {
  const alg = options.alg ?? 'ES256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    privateJwk: { ...privateJwk, kid, alg },
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    createdAt,
    signsFrom: options.signsFrom ?? createdAt,
    active: true,
  };
}

/**
 * The key that signs at `now`: of the active keys whose `signsFrom` has come, the newest (by
 * creation); so a rotated key signs once its grace period is over, and a key rotated with `--now`
 * after it keeps signing. If none may sign yet (clocks apart), the one that may first.
 */
export function signingKeyAt<K extends Pick<SigningKey, 'kid' | 'createdAt' | 'signsFrom'>>(keys: readonly K[], now: number): K | undefined {
  let best: K | undefined;
  for (const key of keys) {
    if (key.signsFrom > now) continue;
    if (!best || key.createdAt > best.createdAt || (key.createdAt === best.createdAt && key.kid < best.kid)) best = key;
  }
  if (best) return best;
  for (const key of keys) if (!best || key.signsFrom < best.signsFrom) best = key;
  return best;
}

interface LoadedKey extends Signer {
  /** The private JWK as stored (sealed), to tell a changed row from the one already opened. */
  readonly stored: string;
}

/**
 * Beyond the access-token lifetime before a replaced key is retired: servers read the keys every
 * few seconds, so one may sign with the old key a little after the new one's time, and resource
 * servers accept a token a few seconds past its `exp` (clock tolerance).
 */
export const RETIRE_MARGIN_SECONDS = 60;

/**
 * Keys whose tokens have all expired at `now`: older than the key that signs, which has been
 * signing for longer than the access-token lifetime (plus {@link RETIRE_MARGIN_SECONDS}). Never
 * the signing key, nor a key rotated in after it (pending).
 */
export function expiredKeys<K extends Pick<SigningKey, 'kid' | 'createdAt' | 'signsFrom'>>(keys: readonly K[], now: number, accessTokenTtl: number): K[] {
  const signing = signingKeyAt(keys, now);
  if (!signing || signing.signsFrom > now || now < signing.signsFrom + accessTokenTtl + RETIRE_MARGIN_SECONDS) return [];
  return keys.filter((key) => key.kid !== signing.kid && key.createdAt < signing.createdAt);
}

interface RingState {
  readonly keys: readonly LoadedKey[];
  readonly jwks: PublicJwks;
  /** kid, signsFrom and stored private JWK of every key, to tell whether a reload changed anything. */
  readonly fingerprint: string;
}

export interface KeyReloading {
  /** Default {@link DEFAULT_KEY_RELOAD_MS}. */
  intervalMs?: number | undefined;
  clock: Clock;
  /**
   * A reload (or an automatic rotation or retirement) failed, the database being down, say: the
   * keys loaded before stay in use. Called once per run of failures, not at every tick.
   */
  onError(error: unknown): void;
  /** The reloads work again after a failure. */
  onRecovered?(): void;
  /** The set of keys changed: a key was rotated in or retired. */
  onChange?(kids: { published: string[]; signing: string }): void;
  /**
   * The access-token lifetime: given, the server retires (stops publishing) keys whose tokens have
   * all expired ({@link expiredKeys}); absent, they stay until `tessera keys retire`.
   */
  retireExpiredAfter?: number | undefined;
  onRetired?(kid: string): void;
  /**
   * Automatic rotation: once the newest key is `intervalSeconds` old, a new one (of the signing
   * key's algorithm) is added that signs after `graceSeconds`; of several servers, one adds it.
   */
  rotateEvery?: { intervalSeconds: number; graceSeconds: number } | undefined;
  onRotated?(key: { kid: string; alg: SigningAlg; signsFrom: number }): void;
}

/**
 * The server's signing keys: every active key is published in the JWKS; the newest whose grace
 * period is over signs (see {@link signingKeyAt}). Loaded at start, where a key is generated and
 * stored on the first start of a new database, and read again every few seconds
 * ({@link startReloading}), so keys rotated or retired with `tessera keys` reach running servers
 * without a restart. Signing reads only memory: the choice of key by time needs no store read.
 */
export class KeyRing {
  private reloadTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly store: KeyStore,
    private readonly secrets: ServerSecrets,
    private state: RingState,
    /** Keys an earlier version stored in the clear, sealed at this load: they may have been copied. */
    readonly sealedFromPlain: readonly string[],
    /** The algorithm of access tokens when the caller names none. */
    private readonly defaultAlg: SigningAlg = 'ES256',
  ) {}

  /**
   * Private keys are stored sealed with the server secret (keys/sealed-jwk.ts); a key stored in
   * the clear by an earlier version, or sealed under an older secret, is resealed under the current one.
   */
  static async load(keys: KeyStore, now: number, secrets: ServerSecrets): Promise<KeyRing> {
    let active = await keys.listActive();
    if (active.length === 0) {
      const fresh = await generateSigningKey(now);
      active = await keys.insertIfNone({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } });
    }
    const sealedFromPlain: string[] = [];
    const state = await buildState(keys, active, secrets, new Map(), sealedFromPlain);
    return new KeyRing(keys, secrets, state, sealedFromPlain);
  }

  /** The public keys of every active key, the pending ones included (RFC 7517 §5). */
  get jwks(): PublicJwks {
    return this.state.jwks;
  }

  /**
   * The key that signs at `now` (epoch seconds). Without `alg`: the signer of access tokens, of
   * the ring's default algorithm (ES256), or of any algorithm when the ring holds none of it (a
   * database whose keys were all rotated to another algorithm). With `alg`: the current key of that
   * algorithm (ID tokens: RS256, or a client's id_token_signed_response_alg); throws when the ring
   * has none (shared contract, docs/DESIGN.md).
   */
  signer(now: number, alg?: SigningAlg): Signer {
    const wanted = alg ?? this.defaultAlg;
    const ofAlg = this.state.keys.filter((key) => key.alg === wanted);
    if (ofAlg.length === 0) {
      if (alg !== undefined) throw new Error(`no active ${alg} signing key; the server ensures one at start-up (ensureSigningAlgs)`);
      return signingKeyAt(this.state.keys, now) as LoadedKey;
    }
    return signingKeyAt(ofAlg, now) as LoadedKey;
  }

  /**
   * Makes sure the database holds an active key of each algorithm, inserting one that signs at once
   * when none exists, then reloads. Two servers starting at once may both insert one; both keys
   * are then valid and the newer signs (signingKeyAt), so nothing breaks.
   */
  async ensureSigningAlgs(algs: readonly SigningAlg[], now: number): Promise<void> {
    let inserted = false;
    for (const alg of new Set(algs)) {
      if (this.state.keys.some((key) => key.alg === alg)) continue;
      if ((await this.store.listActive()).some((key) => key.alg === alg)) continue;
      const fresh = await generateSigningKey(now, { alg });
      await this.store.insert({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, this.secrets) } });
      inserted = true;
    }
    if (inserted || algs.some((alg) => !this.state.keys.some((key) => key.alg === alg))) await this.reload();
  }

  /** Reads the keys again; only keys not seen before are decrypted. Keeps the current ones if none is active. */
  async reload(): Promise<boolean> {
    const active = await this.store.listActive();
    if (active.length === 0) throw new Error('no active signing key in the database; keeping the keys loaded before');
    const known = new Map(this.state.keys.map((key) => [key.kid, key]));
    const next = await buildState(this.store, active, this.secrets, known, []);
    if (next.fingerprint === this.state.fingerprint) return false;
    this.state = next;
    return true;
  }

  /** Reloads on a timer that does not keep the process alive; {@link stop} ends it. */
  startReloading(options: KeyReloading): void {
    this.stop();
    let failing = false;
    const work = async () => {
      let changed = await this.reload();
      if (options.rotateEvery && await this.rotateIfDue(options.clock.nowSeconds(), options.rotateEvery, options.onRotated)) {
        if (await this.reload()) changed = true;
      }
      if (options.retireExpiredAfter !== undefined) {
        // Each server may do it; deactivate is idempotent, so only one reports each key.
        // Per algorithm: an ID-token key (RS256) newer than the access-token key must not retire it.
        const now = options.clock.nowSeconds();
        const algs = [...new Set(this.state.keys.map((key) => key.alg))];
        const expired = algs.flatMap((alg) => expiredKeys(this.state.keys.filter((key) => key.alg === alg), now, options.retireExpiredAfter as number));
        for (const key of expired) if (await this.store.deactivate(key.kid)) options.onRetired?.(key.kid);
        if (expired.length > 0 && await this.reload()) changed = true;
      }
      if (changed) {
        options.onChange?.({
          published: this.state.keys.map((key) => key.kid),
          signing: this.signer(options.clock.nowSeconds()).kid,
        });
      }
    };
    const tick = () => {
      if (this.reloading) return;
      this.reloading = work().then(() => {
        if (failing) options.onRecovered?.();
        failing = false;
      }, (error: unknown) => {
        if (!failing) options.onError(error);
        failing = true;
      }).finally(() => { this.reloading = undefined; });
    };
    this.reloadTimer = setInterval(tick, options.intervalMs ?? DEFAULT_KEY_RELOAD_MS);
    this.reloadTimer.unref();
  }

  private async rotateIfDue(now: number, every: { intervalSeconds: number; graceSeconds: number }, onRotated: KeyReloading['onRotated']): Promise<boolean> {
    const newest = Math.max(...this.state.keys.map((key) => key.createdAt));
    if (now - newest < every.intervalSeconds) return false;
    const fresh = await generateSigningKey(Math.max(now, newest + 1), { alg: this.signer(now).alg, signsFrom: now + every.graceSeconds });
    const sealed = { ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, this.secrets) } };
    // Another server may have rotated since this one's last reload: then nothing is inserted.
    if (!await this.store.insertIfNewestBefore(sealed, now - every.intervalSeconds + 1)) return true;
    onRotated?.({ kid: fresh.kid, alg: fresh.alg, signsFrom: fresh.signsFrom });
    return true;
  }

  /** Stops reloading; waits for a reload in flight, so the store may be closed afterwards. */
  async stop(): Promise<void> {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    this.reloadTimer = undefined;
    await this.reloading;
  }
}

async function buildState(
  store: KeyStore, active: readonly SigningKey[], secrets: ServerSecrets, known: ReadonlyMap<string, LoadedKey>, sealedFromPlain: string[],
): Promise<RingState> {
  const loaded = await Promise.all(active.map(async (key): Promise<LoadedKey> => {
    const stored = JSON.stringify(key.privateJwk);
    const seen = known.get(key.kid);
    if (seen && seen.stored === stored) return { ...seen, createdAt: key.createdAt, signsFrom: key.signsFrom };
    let jwk: Record<string, unknown>;
    if (!isSealed(key.privateJwk)) {
      sealedFromPlain.push(key.kid);
      await store.replacePrivateJwk(key.kid, key.privateJwk, { ...sealJwk(key.privateJwk, key.kid, secrets) });
      jwk = key.privateJwk;
    } else {
      const opened = openJwk(key.privateJwk, key.kid, secrets);
      if (!opened.current) await store.replacePrivateJwk(key.kid, key.privateJwk, { ...sealJwk(opened.jwk, key.kid, secrets) });
      jwk = opened.jwk;
    }
    return {
      kid: key.kid, alg: key.alg, createdAt: key.createdAt, signsFrom: key.signsFrom, stored,
      key: createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }),
    };
  }));
  // Only the public members are served: RFC 7517 §4 "d" (and RSA's p, q, ...) must never leave the server.
  const published = active.map(({ publicJwk }) => {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = publicJwk as Record<string, unknown>;
    return rest;
  });
  return {
    keys: loaded,
    jwks: { keys: published },
    fingerprint: active.map((key) => `${key.kid}:${key.signsFrom}:${JSON.stringify(key.privateJwk)}`).join(','),
  };
}
