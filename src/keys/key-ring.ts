import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { SIGNING_ALGS, type KeyStore, type SigningAlg, type SigningKey } from '../store/types.js';
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
 * the signing key, nor a key rotated in after it (pending). Give the keys of one algorithm
 * ({@link expiredKeysPerAlg} does each): an RS256 key is not replaced by an ES256 one.
 */
export function expiredKeys<K extends Pick<SigningKey, 'kid' | 'createdAt' | 'signsFrom'>>(keys: readonly K[], now: number, accessTokenTtl: number): K[] {
  const signing = signingKeyAt(keys, now);
  if (!signing || signing.signsFrom > now || now < signing.signsFrom + accessTokenTtl + RETIRE_MARGIN_SECONDS) return [];
  return keys.filter((key) => key.kid !== signing.kid && key.createdAt < signing.createdAt);
}

/** The algorithms of `keys`, in the order first seen. */
export function algsOf(keys: readonly Pick<SigningKey, 'alg'>[]): SigningAlg[] {
  return [...new Set(keys.map((key) => key.alg))];
}

/** The keys of one algorithm. */
export function keysOfAlg<K extends Pick<SigningKey, 'alg'>>(keys: readonly K[], alg: SigningAlg): K[] {
  return keys.filter((key) => key.alg === alg);
}

/** {@link expiredKeys} of each algorithm on its own: every algorithm keeps its signing key. */
export function expiredKeysPerAlg<K extends Pick<SigningKey, 'kid' | 'alg' | 'createdAt' | 'signsFrom'>>(keys: readonly K[], now: number, accessTokenTtl: number): K[] {
  return algsOf(keys).flatMap((alg) => expiredKeys(keysOfAlg(keys, alg), now, accessTokenTtl));
}

/** A key of `alg` that signs at once, sealed under the current server secret, ready to store. */
async function sealedSigningKey(secrets: ServerSecrets, createdAt: number, options: { alg: SigningAlg; signsFrom?: number }): Promise<SigningKey> {
  const fresh = await generateSigningKey(createdAt, options);
  return { ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } };
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
  /** The set of keys changed: a key was rotated in or retired. `signing`: the default algorithm's signing key. */
  onChange?(kids: { published: string[]; signing: string }): void;
  /**
   * The access-token lifetime: given, the server retires (stops publishing) keys whose tokens have
   * all expired ({@link expiredKeys}); absent, they stay until `tessera keys retire`.
   */
  retireExpiredAfter?: number | undefined;
  onRetired?(key: { kid: string; alg: SigningAlg }): void;
  /**
   * Automatic rotation, per algorithm: once the newest key of an algorithm is `intervalSeconds`
   * old, a new one of that algorithm is added that signs after `graceSeconds`; of several servers,
   * one adds it.
   */
  rotateEvery?: { intervalSeconds: number; graceSeconds: number } | undefined;
  onRotated?(key: { kid: string; alg: SigningAlg; signsFrom: number }): void;
}

/** What a ring needs to know besides the store: its default algorithm and the others it must hold. */
export interface KeyRingOptions {
  /**
   * The algorithm of access tokens for resources that choose none (the server's `signingAlg`);
   * default ES256. {@link KeyRing.signer} without an algorithm signs with it.
   */
  defaultAlg?: SigningAlg | undefined;
  /**
   * Ignored since every algorithm of SIGNING_ALGS gets a key at load; kept so callers written
   * against the earlier contract still compile.
   */
  algs?: readonly SigningAlg[] | undefined;
}

/** A key the ring stored because its algorithm had none (for the key.created audit event). */
export interface CreatedKey {
  readonly kid: string;
  readonly alg: SigningAlg;
}

/**
 * The server's signing keys, per algorithm: every active key of every algorithm is published in
 * the JWKS; of each algorithm, the newest whose grace period is over signs (see
 * {@link signingKeyAt}), so rotating one algorithm leaves the others alone. Loaded at start, where
 * a key of every algorithm is generated and stored when the database has none, and read again every few seconds ({@link startReloading}), so keys
 * rotated or retired with `tessera keys` reach running servers without a restart. Signing reads
 * only memory: the choice of key by time needs no store read.
 */
export class KeyRing {
  private reloadTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  /** The last reload queued: each reload starts once the one before it has ended. */
  private reloadChain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: KeyStore,
    private readonly secrets: ServerSecrets,
    private state: RingState,
    /** Keys an earlier version stored in the clear, sealed at this load: they may have been copied. */
    readonly sealedFromPlain: readonly string[],
    /** The algorithm of {@link signer} without one. */
    readonly defaultAlg: SigningAlg,
    /** The keys this load stored, an algorithm having none (audited as key.created). */
    readonly created: readonly CreatedKey[] = [],
  ) {}

  /**
   * Private keys are stored sealed with the server secret (keys/sealed-jwk.ts); a key stored in
   * the clear by an earlier version, or sealed under an older secret, is resealed under the current one.
   */
  /**
   * A key of EVERY algorithm of SIGNING_ALGS is made sure of here, at each start, whether anything
   * signs with it yet or not: a resource registered later with `--signing-alg`, or a server
   * restarted with another `--signing-alg`, then signs with a key published (and cached by resource
   * servers, and loaded by the other instances) long before, never one created at its first token.
   */
  static async load(keys: KeyStore, now: number, secrets: ServerSecrets, options: KeyRingOptions = {}): Promise<KeyRing> {
    const defaultAlg = options.defaultAlg ?? 'ES256';
    const created: CreatedKey[] = [];
    for (const alg of new Set([defaultAlg, ...SIGNING_ALGS])) {
      const key = await insertKeyOfAlgIfNone(keys, secrets, alg, now);
      if (key) created.push(key);
    }
    const sealedFromPlain: string[] = [];
    const state = await buildState(keys, await keys.listActive(), secrets, new Map(), sealedFromPlain);
    return new KeyRing(keys, secrets, state, sealedFromPlain, defaultAlg, created);
  }

  /** The public keys of every active key of every algorithm, the pending ones included (RFC 7517 §5). */
  get jwks(): PublicJwks {
    return this.state.jwks;
  }

  /** The algorithms the ring holds a key of. */
  get algs(): SigningAlg[] {
    return algsOf(this.state.keys);
  }

  /** Whether the ring holds a key of `alg`, so that {@link signer} with it does not throw. */
  has(alg: SigningAlg): boolean {
    return this.state.keys.some((key) => key.alg === alg);
  }

  /**
   * The key that signs at `now` (epoch seconds): of `alg`, or of the default algorithm for tokens
   * whose resource chose none. Throws when the ring holds no key of that algorithm.
   */
  signer(now: number, alg: SigningAlg = this.defaultAlg): Signer {
    const signer = signingKeyAt(keysOfAlg(this.state.keys, alg), now);
    if (!signer) throw new Error(`no ${alg} signing key is loaded`);
    return signer;
  }

  /**
   * Makes sure the database holds an active key of each of `algs`: one that signs at once is
   * inserted for an algorithm with none (atomically: of servers starting at once, one inserts),
   * then the keys are read again. {@link load} already does it for every algorithm, so this only
   * matters for a database whose keys were retired behind the ring's back; never call it on the
   * token path (it writes). Returns the keys it stored.
   */
  async ensureSigningAlgs(algs: readonly SigningAlg[], now: number): Promise<CreatedKey[]> {
    const created: CreatedKey[] = [];
    for (const alg of new Set(algs)) {
      const key = await insertKeyOfAlgIfNone(this.store, this.secrets, alg, now);
      if (key) created.push(key);
    }
    await this.reload();
    return created;
  }

  /**
   * Reads the keys again; only keys not seen before are decrypted. Keeps the current ones if none is
   * active. Reloads run one after another (a promise chain): a timer reload that read the keys
   * before an insert could otherwise finish after the reload that saw it and install the older
   * snapshot.
   */
  reload(): Promise<boolean> {
    const run = this.reloadChain.then(() => this.reloadNow());
    this.reloadChain = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(): Promise<boolean> {
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
        const expired = expiredKeysPerAlg(this.state.keys, options.clock.nowSeconds(), options.retireExpiredAfter);
        for (const key of expired) if (await this.store.deactivate(key.kid)) options.onRetired?.({ kid: key.kid, alg: key.alg });
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

  /** Adds a key to each algorithm whose newest key is `intervalSeconds` old; true when any was due. */
  private async rotateIfDue(now: number, every: { intervalSeconds: number; graceSeconds: number }, onRotated: KeyReloading['onRotated']): Promise<boolean> {
    let due = false;
    for (const alg of algsOf(this.state.keys)) {
      const newest = Math.max(...keysOfAlg(this.state.keys, alg).map((key) => key.createdAt));
      if (now - newest < every.intervalSeconds) continue;
      due = true;
      const sealed = await sealedSigningKey(this.secrets, Math.max(now, newest + 1), { alg, signsFrom: now + every.graceSeconds });
      // Another server may have rotated this algorithm since this one's last reload: then nothing is inserted.
      if (await this.store.insertIfNewestBefore(sealed, now - every.intervalSeconds + 1)) {
        onRotated?.({ kid: sealed.kid, alg, signsFrom: sealed.signsFrom });
      }
    }
    return due;
  }

  /** Stops reloading; waits for a reload in flight, so the store may be closed afterwards. */
  async stop(): Promise<void> {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    this.reloadTimer = undefined;
    await this.reloading;
  }
}

/**
 * Stores a key of `alg` that signs at once unless one of `alg` is active (KeyStore.insertIfNone:
 * atomic); returns it when this call stored it.
 */
async function insertKeyOfAlgIfNone(store: KeyStore, secrets: ServerSecrets, alg: SigningAlg, now: number): Promise<CreatedKey | undefined> {
  if ((await store.listActive()).some((key) => key.alg === alg)) return undefined;
  const fresh = await sealedSigningKey(secrets, now, { alg });
  const stored = await store.insertIfNone(fresh);
  return stored.some((key) => key.kid === fresh.kid) ? { kid: fresh.kid, alg } : undefined;
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
