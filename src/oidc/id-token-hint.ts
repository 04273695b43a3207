import { compactVerify, decodeProtectedHeader } from 'jose';
import type { PublicJwks } from '../keys/key-ring.js';
import { publishedKeySet } from '../keys/published-key-set.js';
import { ID_TOKEN_ALGS } from './id-token.js';

/** What an id_token_hint tells the authorization and end-session endpoints, once verified. */
export interface IdTokenHint {
  /** The user it was issued about (non-empty). */
  readonly sub: string;
  /** Its audience: the client(s) it was issued to (ours carry one, the client_id). */
  readonly audience: readonly string[];
  /** The browser session it came from (Core §2 sid, Front/Back-Channel Logout), or null. */
  readonly sid: string | null;
}

/**
 * Verifies an id_token_hint, for /authorize (OpenID Connect Core §3.1.2.1) and /end_session
 * (RP-Initiated Logout 1.0 §2): an ID token this server issued, signed by one of its published
 * keys, whose iss is this issuer ("the OP MUST validate that it was the issuer of the ID Token").
 * Expired ones are accepted on purpose (a hint is typically old; Logout §2: "even when the exp time
 * has passed"), and the OP need not be in its audience. Only ID tokens: the access and logout tokens
 * this server signs with the same keys carry another typ (at+jwt, logout+jwt), no auth_time (every
 * ID token here has one), or an events member, and are refused. Undefined when it is not one.
 */
export async function verifyIdTokenHint(token: string, issuer: string, jwks: PublicJwks): Promise<IdTokenHint | undefined> {
  let payload: unknown;
  try {
    // Cheap pre-check before any signature work: ID tokens are minted with typ "JWT" (oidc/id-token.ts).
    if (decodeProtectedHeader(token).typ !== 'JWT') return undefined;
    const verified = await compactVerify(token, publishedKeySet(jwks), { algorithms: [...ID_TOKEN_ALGS] });
    if (verified.protectedHeader.typ !== 'JWT') return undefined;
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const claims = payload as Record<string, unknown>;
  if (claims.iss !== issuer) return undefined;
  // Core §2: sub is a non-empty identifier; auth_time is in every ID token of this server.
  if (typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.auth_time !== 'number' || 'events' in claims) return undefined;
  const audience = typeof claims.aud === 'string' ? [claims.aud]
    : Array.isArray(claims.aud) && claims.aud.every((value) => typeof value === 'string') ? claims.aud as string[] : undefined;
  if (audience === undefined || audience.length === 0) return undefined;
  return { sub: claims.sub, audience, sid: typeof claims.sid === 'string' ? claims.sid : null };
}

/** The verifier bound to this server's issuer and current keys, for the authorization interaction. */
export class IdTokenHints {
  constructor(private readonly issuer: string, private readonly keys: { readonly jwks: PublicJwks }) {}

  /** The hint's `sub`, or undefined when it is not an ID token of this server (forged, foreign, unknown key). */
  async subject(hint: string): Promise<string | undefined> {
    return (await verifyIdTokenHint(hint, this.issuer, this.keys.jwks))?.sub;
  }
}
