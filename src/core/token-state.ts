import type { Client, ResourceServerStore, TokenRecord, TokenStore } from '../store/types.js';
import { InvalidClient, InvalidRequest, UnauthorizedClient } from './errors.js';
import { formatScope } from './scope.js';
import type { KeyedHash } from './secret-hash.js';
import type { AuditLog, RequestOrigin } from './audit.js';

/** RFC 7662 §2.2 */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string;
  iss?: string;
  jti?: string;
}

/**
 * Introspection and revocation are for confidential clients: RFC 7662 §2.1 requires the
 * endpoint to be protected, RFC 7009 §2.1 authenticates the client.
 */
export function requireConfidential(client: Client, endpoint: string): void {
  if (client.secretHash === null) {
    throw new InvalidClient('This endpoint requires a confidential client that authenticates with its secret.');
  }
}

export function requireTokenParam(params: Readonly<Record<string, string>>): string {
  const token = params.token;
  if (token === undefined) throw new InvalidRequest('The token parameter is required.');
  return token;
}

function isLive(record: TokenRecord, now: number): boolean {
  return record.revokedAt === null && record.rotatedAt === null && record.expiresAt > now;
}

/**
 * RFC 7662 §4: the server decides whether the token may be used at the caller. It may: for the
 * client it was issued to, and for a client registered to introspect for the resource server the
 * token is meant for (its `aud`). A refresh token is only ever used at the authorization server,
 * so only its own client may see it.
 */
async function mayIntrospect(record: TokenRecord, caller: Client, resourceServers: Pick<ResourceServerStore, 'get'>): Promise<boolean> {
  if (record.clientId === caller.clientId) return true;
  if (record.kind !== 'access_token') return false;
  const audience = await resourceServers.get(record.audience);
  return audience !== undefined && audience.introspectionClients.includes(caller.clientId);
}

/**
 * The token's state from the store, which is the truth: a revoked token is inactive even
 * though its JWT signature still verifies. A caller that may not learn about the token gets the
 * same `{"active": false}` as for an unknown one, so it cannot tell a live token from a dead one.
 */
export async function introspectToken(
  token: string, caller: Client, tokens: TokenStore, tokenHash: KeyedHash, resourceServers: Pick<ResourceServerStore, 'get'>, now: number, issuer: string,
): Promise<IntrospectionResponse> {
  const record = await tokenHash.find(token, (hash) => tokens.find(hash));
  if (!record || !isLive(record, now)) return { active: false };
  if (!(await mayIntrospect(record, caller, resourceServers))) return { active: false };
  return {
    active: true,
    scope: formatScope(record.scope),
    client_id: record.clientId,
    // A refresh token is labelled as one, so that no resource server mistakes it for a Bearer access token.
    token_type: record.kind === 'access_token' ? 'Bearer' : 'refresh_token',
    exp: record.expiresAt,
    iat: record.issuedAt,
    sub: record.subject,
    aud: record.audience,
    iss: issuer,
    jti: record.jti,
  };
}

/**
 * RFC 7009 §2.1: revoke a token of the calling client. Revoking a refresh token also revokes
 * the access tokens of the same grant. §2.2: an unknown or invalid token is not an error.
 */
export async function revokeToken(token: string, caller: Client, tokens: TokenStore, tokenHash: KeyedHash, now: number, audit?: AuditLog, origin?: RequestOrigin): Promise<void> {
  const record = await tokenHash.find(token, (hash) => tokens.find(hash));
  if (!record) return;
  // RFC 7009 §2.1: the server verifies the token was issued to the requesting client and,
  // if not, refuses the request with an error.
  if (record.clientId !== caller.clientId) throw new UnauthorizedClient('This token was not issued to the requesting client.');
  if (record.kind === 'refresh_token') await tokens.revokeFamily(record.familyId, now);
  else await tokens.revoke(record.hash, now);
  audit?.record({ event: 'token.revoked', tokenKind: record.kind, clientId: caller.clientId, userId: record.userId ?? undefined, address: origin?.address, requestId: origin?.requestId });
}
