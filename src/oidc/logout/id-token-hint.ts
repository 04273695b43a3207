import { compactVerify, createLocalJWKSet } from 'jose';
import type { PublicJwks } from '../../keys/key-ring.js';
import { ID_TOKEN_ALGS } from '../id-token.js';

/** What an id_token_hint tells the end-session endpoint, once verified. */
export interface IdTokenHint {
  /** The user it was issued about. */
  readonly sub: string;
  /** Its audience: the client(s) it was issued to (ours carry one, the client_id). */
  readonly audience: readonly string[];
  /** The browser session it came from (Core §2 sid, Front/Back-Channel Logout), or null. */
  readonly sid: string | null;
}

/**
 * Verifies an id_token_hint (OpenID Connect RP-Initiated Logout 1.0 §2): an ID token this server
 * issued, signed by one of its published keys, whose iss is this issuer ("the OP MUST validate
 * that it was the issuer of the ID Token"). Expired ones are accepted on purpose (§2: "the OP
 * SHOULD accept ID Tokens when the RP identified by the ID Token's aud claim ... has a current
 * session or had a recent session at the OP, even when the exp time has passed"). Only ID tokens:
 * the access and logout tokens this server signs with the same keys carry another typ
 * (at+jwt, logout+jwt) and no auth_time, and are refused. Undefined when it is not one.
 */
export async function verifyIdTokenHint(token: string, issuer: string, jwks: PublicJwks): Promise<IdTokenHint | undefined> {
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { algorithms: [...ID_TOKEN_ALGS] });
    if (verified.protectedHeader.typ !== 'JWT') return undefined;
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || payload.iss !== issuer) return undefined;
  if (typeof payload.sub !== 'string' || typeof payload.auth_time !== 'number' || 'events' in payload) return undefined;
  const audience = typeof payload.aud === 'string' ? [payload.aud]
    : Array.isArray(payload.aud) && payload.aud.every((value) => typeof value === 'string') ? payload.aud as string[] : undefined;
  if (audience === undefined || audience.length === 0) return undefined;
  return { sub: payload.sub, audience, sid: typeof payload.sid === 'string' ? payload.sid : null };
}
