import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { PublicJwks } from '../keys/key-ring.js';
import { SIGNING_ALGS } from '../store/types.js';

/** The claims of an access token this server signed, as introspection and revocation use them. */
export interface VerifiedAccessToken {
  jti: string;
  /** The grant family (the private `gid` claim); null for a token of an earlier version, which has none. */
  familyId: string | null;
  subject: string;
  clientId: string;
  audience: string;
  scope: string | undefined;
  issuedAt: number;
  expiresAt: number;
  notBefore: number | undefined;
}

/** Whether the token has the shape of a JWS compact serialization (RFC 7515 §7.1); refresh tokens have no dot. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const time = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);

/**
 * Verifies the access tokens this server issued, in memory: signature by one of the keys it
 * publishes (the JWKS of the key ring, which follows rotations and retirements), typ at+jwt
 * (RFC 9068 §2.1), iss, exp and nbf at the injected time (RFC 7519 §4.1.4, §4.1.5), and the
 * claims RFC 9068 §2.2 requires. Anything else is not a token of ours: undefined.
 */
export class AccessTokenVerifier {
  private jwks: PublicJwks | undefined;
  private keySet: JWTVerifyGetKey | undefined;

  /** When the keys were last read again for an unknown kid (ms), so that unknown kids cost one read per interval. */
  private lastReload = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly issuer: string,
    /**
     * Read at each verification: a key rotated in or retired counts at once. `reload`, when given,
     * reads the keys from the store again: another instance may have added a key (a new algorithm at
     * start) a few seconds before this one's periodic reload.
     */
    private readonly keys: { readonly jwks: PublicJwks; reload?(): Promise<unknown> },
    private readonly reloadIntervalMs = 5_000,
  ) {}

  async verify(token: string, now: number): Promise<VerifiedAccessToken | undefined> {
    if (!looksLikeJwt(token)) return undefined;
    try {
      return await this.verifyWithCurrentKeys(token, now);
    } catch (error) {
      // An unknown kid: read the keys again, at most once per interval, then try once more.
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || this.keys.reload === undefined) return undefined;
      if (Date.now() - this.lastReload < this.reloadIntervalMs) return undefined;
      this.lastReload = Date.now();
      try {
        await this.keys.reload();
        return await this.verifyWithCurrentKeys(token, now);
      } catch {
        return undefined;
      }
    }
  }

  /** Throws what jose throws for a token it refuses (a bad signature, another issuer, expired, an unknown kid). */
  private async verifyWithCurrentKeys(token: string, now: number): Promise<VerifiedAccessToken | undefined> {
    const { payload } = await jwtVerify(token, this.currentKeySet(), {
      issuer: this.issuer,
      typ: 'at+jwt',
      algorithms: [...SIGNING_ALGS],
      currentDate: new Date(now * 1000),
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'aud'],
    });
    const jti = text(payload.jti);
    const subject = text(payload.sub);
    const clientId = text(payload.client_id);
    const audience = text(payload.aud);
    const issuedAt = time(payload.iat);
    const expiresAt = time(payload.exp);
    const familyId = payload.gid === undefined ? null : text(payload.gid);
    const scope = payload.scope === undefined ? undefined : text(payload.scope);
    if (jti === undefined || subject === undefined || clientId === undefined || audience === undefined
      || issuedAt === undefined || expiresAt === undefined || familyId === undefined || (payload.scope !== undefined && scope === undefined)) {
      return undefined;
    }
    return { jti, familyId, subject, clientId, audience, scope, issuedAt, expiresAt, notBefore: time(payload.nbf) };
  }

  /** jose imports each key once per key set: a new set only when the ring's JWKS changed. */
  private currentKeySet(): JWTVerifyGetKey {
    const jwks = this.keys.jwks;
    if (this.keySet === undefined || this.jwks !== jwks) {
      this.keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
      this.jwks = jwks;
    }
    return this.keySet;
  }
}
