import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../core/random.js';
import { formatScope } from '../core/scope.js';
import type { KeyedHash } from '../core/secret-hash.js';
import { generateOpaqueToken, newFamilyId, TOKEN_PREFIX } from '../core/tokens.js';
import { signJwt } from '../keys/jws.js';
import type { AccessTokenSigners } from '../keys/token-signers.js';
import type { ServerSettings } from '../server/settings.js';
import type { Client, TokenRecord, TokenStore } from '../store/types.js';
import type { TokenResponse } from './types.js';

export interface IssueInput {
  client: Client;
  /** The user this token acts for, or null for a token with no user (client credentials). */
  userId: string | null;
  scope: string[];
  /** RFC 6749 §6: a rotated refresh token keeps the scope of the one it replaces, even when the access token is narrowed. */
  refreshScope?: string[];
  audience: string;
  /** Keep an existing family (refresh rotation); a new grant starts a new one. */
  familyId?: string;
  withRefreshToken: boolean;
  /** Private claims the access token also carries (OpenID Connect: the claims UserInfo releases); never registered ones. */
  extraClaims?: Readonly<Record<string, unknown>> | undefined;
}

export interface MintedTokens {
  response: TokenResponse;
  /** What to store: the refresh token's record, if there is one. The access token is not stored. */
  records: TokenRecord[];
  /** The access token's jti and exp, for a rotation's retry record (refresh-token.ts). */
  accessToken: { jti: string; expiresAt: number };
}

/**
 * The private claim of an access token that names its grant family: one deny-list row ends every
 * access token of a family (refresh-token reuse, code replay, revocation), without storing them.
 */
export const GRANT_FAMILY_CLAIM = 'gid';

/**
 * Mints RFC 9068 JWT access tokens and opaque refresh tokens, and records the refresh tokens'
 * hashes. An access token is self-contained and never stored (DESIGN.md "Access tokens are not
 * stored"): issuing one writes nothing.
 */
export class TokenIssuer {
  constructor(
    private readonly settings: Pick<ServerSettings, 'issuer' | 'accessTokenTtl' | 'accessTokenTtlByClient' | 'refreshTokenTtl'>,
    /**
     * Read at each token: the key of the algorithm the audience's resource chose (else the
     * server's default); a key rotated in signs from its time on, without a restart.
     */
    private readonly signers: AccessTokenSigners,
    private readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly tokenHash: KeyedHash,
  ) {}

  /** Mints without saving, for callers that store atomically with another change (rotation). */
  async mint(input: IssueInput): Promise<MintedTokens> {
    const now = this.clock.nowSeconds();
    const familyId = input.familyId ?? newFamilyId(now, this.random);
    // RFC 9068 §2.2: for a grant with no resource owner, sub identifies the client.
    const subject = input.userId ?? input.client.clientId;
    const jti = this.random.token(16);
    // A client's own lifetime may only shorten the server's (settings.ts accessTokenTtlByClient).
    const ttl = Math.min(this.settings.accessTokenTtl, this.settings.accessTokenTtlByClient?.get(input.client.clientId) ?? Infinity);
    const expiresAt = now + ttl;
    const scope = formatScope(input.scope);
    const signer = await this.signers.signerFor(input.audience, now);
    // RFC 9068 §2.1: typ "at+jwt"; §2.2: iss, exp, aud, sub, client_id, iat, jti (and scope); and
    // the grant family, which introspection looks up in the deny list.
    const accessToken = signJwt({ typ: 'at+jwt' }, {
      ...input.extraClaims,
      iss: this.settings.issuer, sub: subject, aud: input.audience, iat: now, exp: expiresAt, jti,
      client_id: input.client.clientId, ...(scope !== '' ? { scope } : {}), [GRANT_FAMILY_CLAIM]: familyId,
    }, signer);
    const records: TokenRecord[] = [];
    const response: TokenResponse = {
      access_token: accessToken, token_type: 'Bearer', expires_in: ttl, ...(scope !== '' ? { scope } : {}),
    };
    if (input.withRefreshToken) {
      const refreshToken = generateOpaqueToken(TOKEN_PREFIX.refreshToken, this.random);
      records.push({
        hash: this.tokenHash.hash(refreshToken), kind: 'refresh_token', jti: this.random.token(16),
        clientId: input.client.clientId, subject, userId: input.userId, scope: input.refreshScope ?? input.scope,
        audience: input.audience, issuedAt: now, expiresAt: now + this.settings.refreshTokenTtl,
        familyId, revokedAt: null, rotatedAt: null,
      });
      response.refresh_token = refreshToken;
    }
    return { response, records, accessToken: { jti, expiresAt } };
  }

  /** Mints the tokens of a new grant and records its refresh token; an access token alone writes nothing. */
  async issue(input: IssueInput): Promise<TokenResponse> {
    const minted = await this.mint(input);
    const [refresh] = minted.records;
    if (refresh) await this.store.save(refresh);
    return minted.response;
  }
}
