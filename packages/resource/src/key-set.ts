import { constants, createPublicKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { VERIFICATION, type AsymmetricAlgorithm, type VerificationParameters } from './jws-algorithms.js';

/** What `crypto.verify` needs for one key and one algorithm, built once. */
export interface VerificationKey {
  readonly digest: string | null;
  readonly key: VerifyKeyObjectInput | KeyObject;
}

/**
 * The outcome of looking a token's key up: the key, or why there is none. `unusable` is a JWK the
 * server publishes for this token that cannot be used (private, malformed, RSA under 2048 bits):
 * the server's keys are broken, which is not the token's fault.
 */
export type KeySelection = VerificationKey | 'none' | 'multiple' | 'unusable';

/** A JWK as published, with the members that decide whether it may verify a given token. */
interface PublishedKey {
  readonly kty: unknown;
  readonly kid: unknown;
  readonly alg: unknown;
  readonly use: unknown;
  readonly crv: unknown;
  readonly keyOps: unknown;
  readonly ext: unknown;
  /** The public key, or null when the JWK cannot be one (a private key, bad members). */
  readonly publicKey: KeyObject | null;
}

/** RFC 7517 §5: a JWK Set is a JSON object whose `keys` member is an array of JWKs (objects). */
export function isJwkSet(value: unknown): value is { keys: Record<string, unknown>[] } {
  if (!isPlainObject(value)) return false;
  const keys = value.keys;
  return Array.isArray(keys) && keys.every(isPlainObject);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// RFC 7517 §4 and RFC 7518 §6.3.2, §6.2.2, RFC 8037 §2: the members only a private key has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv'];

function importPublicKey(jwk: Record<string, unknown>): KeyObject | null {
  // createPublicKey would derive the public half of a private JWK; a JWKS that publishes a
  // private key is broken, and its key is not used.
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) return null;
  try {
    return createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    return null;
  }
}

/**
 * RFC 7517 §4 key selection, with jose's rules so that a JWKS means here what it means to
 * `jose.createLocalJWKSet`: the key type and curve fit the algorithm, the kid is the token's (when
 * the token names one), and `alg`, `use` (RFC 7517 §4.2: "sig") and `key_ops` (§4.3: "verify")
 * do not forbid it.
 */
function mayVerify(jwk: PublishedKey, parameters: VerificationParameters, alg: string, kid: unknown): boolean {
  const { keyOps } = jwk;
  return (jwk.ext === undefined || typeof jwk.ext === 'boolean')
    && (keyOps === undefined || (Array.isArray(keyOps)
      && keyOps.every((operation, index) => typeof operation === 'string' && keyOps.indexOf(operation) === index)
      && keyOps.includes('verify')))
    && jwk.kty === parameters.kty
    && (kid === undefined || (typeof kid === 'string' && kid === jwk.kid))
    && (jwk.alg === undefined || jwk.alg === alg)
    && (jwk.use === undefined || jwk.use === 'sig')
    && (parameters.crv === undefined || jwk.crv === parameters.crv);
}

function verificationKey(publicKey: KeyObject, parameters: VerificationParameters): VerificationKey | null {
  if (parameters.kty === 'RSA') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < parameters.minRsaBits) return null;
    return {
      digest: parameters.digest,
      key: parameters.padding === constants.RSA_PKCS1_PSS_PADDING
        // RFC 7518 §3.5: the salt is as long as the digest output (WebCrypto, hence jose, insist).
        ? { key: publicKey, padding: parameters.padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key: publicKey, padding: parameters.padding },
    };
  }
  if (parameters.dsaEncoding !== undefined) return { digest: parameters.digest, key: { key: publicKey, dsaEncoding: parameters.dsaEncoding } };
  return { digest: parameters.digest, key: publicKey };
}

/**
 * The keys of one JWK Set, imported once as `KeyObject`s. Lookups by (alg, kid) are remembered
 * for the kids the set holds, so that the hot path is one Map read; a kid the set does not hold
 * is never remembered (a caller choosing kids must not grow memory).
 */
export class KeySet {
  private readonly keys: readonly PublishedKey[];
  private readonly kids: ReadonlySet<unknown>;
  private readonly selections = new Map<string, KeySelection>();

  constructor(jwks: { keys: readonly Record<string, unknown>[] }) {
    this.keys = jwks.keys.map((jwk) => ({
      kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use, crv: jwk.crv, keyOps: jwk.key_ops, ext: jwk.ext,
      publicKey: importPublicKey(jwk),
    }));
    this.kids = new Set(this.keys.map((key) => key.kid));
  }

  select(alg: AsymmetricAlgorithm, kid: unknown): KeySelection {
    const remember = kid === undefined || (typeof kid === 'string' && this.kids.has(kid));
    const memo = remember ? `${alg} ${kid === undefined ? '' : `#${kid as string}`}` : undefined;
    if (memo !== undefined) {
      const known = this.selections.get(memo);
      if (known !== undefined) return known;
    }
    const parameters = VERIFICATION[alg];
    const candidates = this.keys.filter((jwk) => mayVerify(jwk, parameters, alg, kid));
    let selection: KeySelection;
    if (candidates.length === 0) selection = 'none';
    // jose refuses a token that two published keys could verify (ERR_JWKS_MULTIPLE_MATCHING_KEYS).
    else if (candidates.length > 1) selection = 'multiple';
    else {
      const publicKey = (candidates[0] as PublishedKey).publicKey;
      selection = (publicKey === null ? null : verificationKey(publicKey, parameters)) ?? 'unusable';
    }
    if (memo !== undefined) this.selections.set(memo, selection);
    return selection;
  }
}
