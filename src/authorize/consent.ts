import type { Store } from '../store/types.js';
import type { AuthorizationRequest } from './types.js';

/** Where an authorization response or error goes. */
export type ConsumedRequest = Pick<AuthorizationRequest, 'redirectUri' | 'responseMode' | 'state'>;

/**
 * Consent is remembered per user, client and scopes: the page is skipped when every requested
 * scope was allowed before, or when the client is first-party (skip_consent).
 */
export async function needsConsent(request: AuthorizationRequest, userId: string, store: Store): Promise<boolean> {
  if (request.client.skipConsent) return false;
  const granted = await store.consents.grantedScopes(userId, request.client.clientId);
  return !request.scope.every((scope) => granted.includes(scope));
}
