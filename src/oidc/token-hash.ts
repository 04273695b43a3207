import { createHash } from 'node:crypto';
import type { SigningAlg } from '../store/types.js';

/**
 * OpenID Connect Core §3.1.3.6 at_hash (and §3.3.2.11 c_hash): hash the ASCII octets of the
 * token with the hash of the ID token's JWS alg, take the left-most half, base64url-encode it.
 * RS256 and ES256 use SHA-256; EdDSA with Ed25519 uses SHA-512 (as Ed25519 itself does, and as
 * the OpenID Foundation's errata and certified implementations do).
 */
export function tokenHash(token: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
