import type { AccessTokenClaims } from '@tessera/resource';
import type { OwnerKind } from './resource-store.js';

/**
 * Whose resources a token reaches. RFC 9068 §2.2: when there is no resource owner (client
 * credentials) `sub` is the client's own identifier, so `sub` equal to `client_id` means the
 * client acts for itself. This is safe only because the authorization server never lets a client
 * pick a client_id equal to a user's subject (RFC 9700 §4.15); Tessera's user ids are UUIDs.
 */
export function resourceOwner(claims: AccessTokenClaims): { kind: OwnerKind; id: string } {
  return claims.subject === claims.clientId
    ? { kind: 'client', id: claims.clientId }
    : { kind: 'user', id: claims.subject };
}
