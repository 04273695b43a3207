import { sign, type KeyObject } from 'node:crypto';

/** Keys already checked to be P-256 private keys (the check reads key details, once per key). */
const checkedKeys = new WeakSet<KeyObject>();

function assertP256PrivateKey(key: KeyObject): void {
  if (checkedKeys.has(key)) return;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('ES256 needs an EC P-256 private key.');
  }
  checkedKeys.add(key);
}

/**
 * Signs a JWT with ES256 in JWS compact serialization (RFC 7515 §7.1): ECDSA with P-256 and
 * SHA-256, the signature being the 64-byte R || S concatenation (RFC 7518 §3.4).
 *
 * Tokens are minted on the hot path of the token endpoint, so this uses node:crypto's synchronous
 * one-shot sign rather than jose's SignJWT, which goes through WebCrypto (an asynchronous
 * thread-pool job per signature, about a third of the throughput here; docs/BENCHMARKS.md).
 * The output is an ordinary JWS that jose, or any library, verifies.
 */
export function signEs256Jwt(header: { typ: string; kid: string }, payload: Record<string, unknown>, key: KeyObject): string {
  assertP256PrivateKey(key);
  const encodedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: header.typ, kid: header.kid })).toString('base64url');
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
