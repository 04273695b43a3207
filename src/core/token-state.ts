import type { AccessTokenDenyList, Client, ResourceServerStore, TokenRecord, TokenStore } from '../store/types.js';
import { isPublicClient } from '../store/types.js';
import { looksLikeJwt, type AccessTokenVerifier, type VerifiedAccessToken } from './access-token-verifier.js';
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
  if (isPublicClient(client)) {
    throw new InvalidClient('This endpoint requires a confidential client that authenticates (with its secret or a private_key_jwt assertion).');
  }
}

export function requireTokenParam(params: Readonly<Record<string, string>>): string {
  const token = params.token;
  if (token === undefined) throw new InvalidRequest('The token parameter is required.');
  return token;
}

/** What introspection and revocation read: the stored refresh tokens, and the access tokens' verifier and deny list. */
export interface TokenStateDependencies {
  readonly issuer: string;
  readonly tokens: Pick<TokenStore, 'find' | 'revoke' | 'revokeFamily'>;
  readonly tokenHash: KeyedHash;
  readonly accessTokens: AccessTokenVerifier;
  readonly denials: Pick<AccessTokenDenyList, 'isDenied' | 'denyToken'>;
  /** Who may introspect the tokens of each registered API (RFC 7662 §4). */
  readonly resourceServers: Pick<ResourceServerStore, 'get'>;
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
async function mayIntrospect(
  token: { clientId: string; audience: string; kind: 'access_token' | 'refresh_token' }, caller: Client, resourceServers: Pick<ResourceServerStore, 'get'>,
): Promise<boolean> {
  if (token.clientId === caller.clientId) return true;
  if (token.kind !== 'access_token') return false;
  const audience = await resourceServers.get(token.audience);
  return audience !== undefined && audience.introspectionClients.includes(caller.clientId);
}

/**
 * Whether a verified access token's grant is still alive. Access tokens are not stored (DESIGN.md):
 * the deny list says whether it, its grant family, or its user's or client's grants were ended at
 * or after its issue. A token of an earlier version carries no family; its row, which that version
 * stored, still says whether its grant was ended, until it expires.
 */
async function isAccessTokenLive(token: string, verified: VerifiedAccessToken, deps: TokenStateDependencies, now: number): Promise<boolean> {
  if (await deps.denials.isDenied(verified)) return false;
  if (verified.familyId !== null) return true;
  const record = await deps.tokenHash.find(token, (hash) => deps.tokens.find(hash));
  return record !== undefined && record.kind === 'access_token' && isLive(record, now);
}

/**
 * RFC 7662 §2.2. An access token is verified like a resource server would (signature by our
 * published keys, iss, exp, nbf), then the deny list is asked (one indexed query); an opaque token
 * (a refresh token) is found by its hash. A revoked token is inactive even though its JWT signature still verifies.
 * A caller that may not learn about the token gets the same `{"active": false}` as for an unknown
 * one, so it cannot tell a live token from a dead one.
 */
export async function introspectToken(token: string, caller: Client, deps: TokenStateDependencies, now: number): Promise<IntrospectionResponse> {
  const verified = await deps.accessTokens.verify(token, now);
  if (verified) {
    if (!(await mayIntrospect({ ...verified, kind: 'access_token' }, caller, deps.resourceServers))) return { active: false };
    if (!(await isAccessTokenLive(token, verified, deps, now))) return { active: false };
    return {
      active: true,
      scope: verified.scope ?? '',
      client_id: verified.clientId,
      token_type: 'Bearer',
      exp: verified.expiresAt,
      iat: verified.issuedAt,
      ...(verified.notBefore !== undefined ? { nbf: verified.notBefore } : {}),
      sub: verified.subject,
      aud: verified.audience,
      iss: deps.issuer,
      jti: verified.jti,
    };
  }
  // A JWT that does not verify (expired, foreign, signed by a retired key) is not live, whatever an
  // earlier version stored for it. Opaque tokens are looked up by their hash: refresh tokens, and
  // opaque access tokens a custom grant may have stored itself.
  if (looksLikeJwt(token)) return { active: false };
  const record = await deps.tokenHash.find(token, (hash) => deps.tokens.find(hash));
  if (!record || !isLive(record, now)) return { active: false };
  if (!(await mayIntrospect(record, caller, deps.resourceServers))) return { active: false };
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
    iss: deps.issuer,
    jti: record.jti,
  };
}

/**
 * RFC 7009 §2.1: revoke a token of the calling client. An access token must be a JWT this server
 * signed (signature, iss) and not yet expired; its jti goes on the deny list until its exp.
 * Revoking a refresh token revokes its grant family, the family's access tokens with it (one deny
 * row). §2.2: an unknown or invalid token is not an error.
 */
export async function revokeToken(token: string, caller: Client, deps: TokenStateDependencies, now: number, audit?: AuditLog, origin?: RequestOrigin): Promise<void> {
  const verified = await deps.accessTokens.verify(token, now);
  if (verified) {
    // RFC 7009 §2.1: the server verifies the token was issued to the requesting client and,
    // if not, refuses the request with an error. Only a token signed for this client adds a row,
    // and the row goes when the token expires: nobody else can grow the deny list.
    if (verified.clientId !== caller.clientId) throw new UnauthorizedClient('This token was not issued to the requesting client.');
    await deps.denials.denyToken(verified.jti, verified.expiresAt, now);
    audit?.record({ event: 'token.revoked', tokenKind: 'access_token', clientId: caller.clientId, userId: verified.subject !== verified.clientId ? verified.subject : undefined, address: origin?.address, requestId: origin?.requestId });
    return;
  }
  // An access token that does not verify is expired or not ours: nothing to revoke (§2.2).
  if (looksLikeJwt(token)) return;
  const record = await deps.tokenHash.find(token, (hash) => deps.tokens.find(hash));
  if (!record) return;
  if (record.clientId !== caller.clientId) throw new UnauthorizedClient('This token was not issued to the requesting client.');
  // A refresh token ends its grant; a stored opaque access token (a custom grant's) only itself.
  if (record.kind === 'refresh_token') await deps.tokens.revokeFamily(record.familyId, now);
  else await deps.tokens.revoke(record.hash, now);
  audit?.record({ event: 'token.revoked', tokenKind: record.kind, clientId: caller.clientId, userId: record.userId ?? undefined, address: origin?.address, requestId: origin?.requestId });
}
