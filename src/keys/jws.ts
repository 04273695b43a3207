import { sign } from 'node:crypto';
import type { Signer } from './key-ring.js';
import { signEs256Jwt } from './jws-es256.js';

/** Keys already checked to fit their algorithm (the check reads key details, once per key). */
const checkedKeys = new WeakSet<object>();

function assertKeyFits(signer: Signer): void {
  if (checkedKeys.has(signer.key)) return;
  const { key } = signer;
  const fits = key.type === 'private' && (signer.alg === 'RS256'
    ? key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
    : key.asymmetricKeyType === 'ed25519');
  // RFC 7518 §3.3: RSA keys of 2048 bits or more; RFC 8037 §3.1: Ed25519 for EdDSA here.
  if (!fits) throw new TypeError(signer.alg === 'RS256' ? 'RS256 needs an RSA private key of at least 2048 bits.' : 'EdDSA needs an Ed25519 private key.');
  checkedKeys.add(key);
}

/**
 * Signs a JWT in JWS compact serialization (RFC 7515 §7.1) with the signer's algorithm,
 * synchronously with node:crypto: the token endpoint's hot path (docs/BENCHMARKS.md). ES256 has
 * its own module (jws-es256.ts); RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), EdDSA
 * is Ed25519 (RFC 8037 §3.1). The output is an ordinary JWS that jose, or any library, verifies.
 */
export function signJwt(header: { typ: string }, payload: Record<string, unknown>, signer: Signer): string {
  if (signer.alg === 'ES256') return signEs256Jwt({ typ: header.typ, kid: signer.kid }, payload, signer.key);
  assertKeyFits(signer);
  const encodedHeader = Buffer.from(JSON.stringify({ alg: signer.alg, typ: header.typ, kid: signer.kid })).toString('base64url');
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  const signature = sign(signer.alg === 'RS256' ? 'sha256' : null, Buffer.from(signingInput), signer.key);
  return `${signingInput}.${signature.toString('base64url')}`;
}
