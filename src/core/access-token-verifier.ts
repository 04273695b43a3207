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

  constructor(
    private readonly issuer: string,
    /** Read at each verification: a key rotated in or retired counts at once. */
    private readonly keys: { readonly jwks: PublicJwks },
  ) {}

  async verify(token: string, now: number): Promise<VerifiedAccessToken | undefined> {
    if (!looksLikeJwt(token)) return undefined;
    try {
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
    } catch {
      // A bad signature, another issuer, an expired token, an unknown kid: not a live token of ours.
      return undefined;
    }
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
