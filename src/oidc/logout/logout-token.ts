import { signJwt } from '../../keys/jws.js';
import type { Signer } from '../../keys/key-ring.js';

/** Back-Channel Logout 1.0 §2.4: the event a logout token carries. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Back-Channel Logout 1.0 §2.4: "short", so a captured token is soon useless; two minutes. */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly sub: string;
  readonly sid: string;
  readonly now: number;
  readonly jti: string;
}

/**
 * A Logout Token (Back-Channel Logout 1.0 §2.4): a JWT with iss, aud, iat, exp, jti, events, and
 * sub and sid (both: §2.4 needs at least one; sid satisfies backchannel_logout_session_required).
 * §2.4: it MUST NOT contain a nonce (so it can never pass for an ID token); §2.4 and RFC 8725 §3.11:
 * explicitly typed `logout+jwt`.
 */
export function signLogoutToken(input: LogoutTokenInput, signer: Signer): string {
  return signJwt({ typ: 'logout+jwt' }, {
    iss: input.issuer,
    aud: input.clientId,
    iat: input.now,
    exp: input.now + LOGOUT_TOKEN_TTL_SECONDS,
    jti: input.jti,
    sub: input.sub,
    sid: input.sid,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  }, signer);
}
