import { createLocalJWKSet } from 'jose';
import type { PublicJwks } from './key-ring.js';

export type PublishedKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The verification key set of each published JWKS, for the endpoints that verify what this server
 * signed (UserInfo's access tokens, id_token_hint). The ring replaces its JWKS object when the keys
 * change, so keys are imported once per change rather than at every request.
 */
const keySets = new WeakMap<PublicJwks, PublishedKeySet>();

export function publishedKeySet(jwks: PublicJwks): PublishedKeySet {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    keySets.set(jwks, keySet);
  }
  return keySet;
}
