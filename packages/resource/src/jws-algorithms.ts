import { constants } from 'node:crypto';

/**
 * JWS algorithms an access token may be signed with: asymmetric only. A MAC algorithm (HS*)
 * would let anyone holding the public key forge tokens, and `none` is no signature at all
 * ({@link https://www.rfc-editor.org/rfc/rfc9068#section-4 RFC 9068 §4},
 * {@link https://www.rfc-editor.org/rfc/rfc8725#section-3.1 RFC 8725 §3.1}).
 */
export type AsymmetricAlgorithm =
  | 'ES256' | 'ES384' | 'ES512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'EdDSA' | 'Ed25519';

/** How `node:crypto` checks a signature of one algorithm, and which JWKs may carry its key. */
export interface VerificationParameters {
  /** The JWK `kty` a key must have (RFC 7518 §6.1, RFC 8037 §2). */
  readonly kty: 'EC' | 'RSA' | 'OKP';
  /** The JWK `crv` a key must have, for ECDSA and EdDSA. */
  readonly crv: 'P-256' | 'P-384' | 'P-521' | 'Ed25519' | undefined;
  /** The digest for `crypto.verify`; null for Ed25519, which hashes internally (RFC 8032 §5.1). */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  /** RSA padding: PKCS #1 v1.5 for RS*, PSS for PS* (RFC 7518 §3.3, §3.5). */
  readonly padding: number | undefined;
  /** RFC 7518 §3.4: an ECDSA JWS signature is R || S, not DER. */
  readonly dsaEncoding: 'ieee-p1363' | undefined;
  /** RFC 7518 §3.3 and §3.5: a key of 2048 bits or larger MUST be used with RS* and PS*. */
  readonly minRsaBits: number;
}

function ecdsa(crv: 'P-256' | 'P-384' | 'P-521', digest: 'sha256' | 'sha384' | 'sha512'): VerificationParameters {
  return { kty: 'EC', crv, digest, padding: undefined, dsaEncoding: 'ieee-p1363', minRsaBits: 0 };
}

function rsa(digest: 'sha256' | 'sha384' | 'sha512', padding: number): VerificationParameters {
  return { kty: 'RSA', crv: undefined, digest, padding, dsaEncoding: undefined, minRsaBits: 2048 };
}

const EDDSA: VerificationParameters = { kty: 'OKP', crv: 'Ed25519', digest: null, padding: undefined, dsaEncoding: undefined, minRsaBits: 0 };

/** Every algorithm this toolkit verifies, as jose knows them (`Ed25519` is RFC 9864's name for EdDSA on Ed25519). */
export const VERIFICATION: Readonly<Record<AsymmetricAlgorithm, VerificationParameters>> = Object.freeze({
  ES256: ecdsa('P-256', 'sha256'),
  ES384: ecdsa('P-384', 'sha384'),
  ES512: ecdsa('P-521', 'sha512'),
  RS256: rsa('sha256', constants.RSA_PKCS1_PADDING),
  RS384: rsa('sha384', constants.RSA_PKCS1_PADDING),
  RS512: rsa('sha512', constants.RSA_PKCS1_PADDING),
  PS256: rsa('sha256', constants.RSA_PKCS1_PSS_PADDING),
  PS384: rsa('sha384', constants.RSA_PKCS1_PSS_PADDING),
  PS512: rsa('sha512', constants.RSA_PKCS1_PSS_PADDING),
  EdDSA: EDDSA,
  Ed25519: EDDSA,
});

export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze(Object.keys(VERIFICATION) as AsymmetricAlgorithm[]);

export function isAsymmetricAlgorithm(value: unknown): value is AsymmetricAlgorithm {
  return typeof value === 'string' && Object.hasOwn(VERIFICATION, value);
}
