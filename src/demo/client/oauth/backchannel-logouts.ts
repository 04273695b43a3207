import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Exchange } from '../exchange/exchange.js';

/** Back-Channel Logout 1.0 §2.4: the event a logout token carries. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Received logout tokens kept at most: the endpoint is public, so what it keeps is bounded. */
const MAX_KEPT = 100;

/** A logout token the Client received and validated, with the exchange that brought it. */
export interface ReceivedLogout {
  readonly exchange: Exchange;
  readonly claims: JWTPayload;
}

/**
 * The Client's back-channel logout endpoint's memory (Back-Channel Logout 1.0 §2.5): logout tokens
 * that passed the checks of §2.6, by `sid`, so that the page of the session they end can show
 * them. Only the latest few are kept.
 */
export class BackChannelLogouts {
  private readonly received = new Map<string, ReceivedLogout>();
  private keySet: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly clientId: string) {}

  /**
   * Back-Channel Logout 1.0 §2.6: a JWT signed by the issuer's keys, iss and aud right, fresh
   * (iat, exp), typ logout+jwt, the backchannel-logout event, a sid or sub, and no nonce.
   * Throws when any of that fails (the endpoint then answers 400, §2.8).
   */
  async accept(token: string, issuer: string, jwksUri: string, exchange: Exchange): Promise<void> {
    this.keySet ??= createRemoteJWKSet(new URL(jwksUri));
    const { payload } = await jwtVerify(token, this.keySet, { issuer, audience: this.clientId, typ: 'logout+jwt', maxTokenAge: '5m' });
    const events = payload.events as Record<string, unknown> | undefined;
    if (typeof events !== 'object' || events === null || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') throw new Error('not a back-channel logout event');
    if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
    if (typeof payload.sid !== 'string') throw new Error('this client needs sid');
    this.received.delete(payload.sid);
    this.received.set(payload.sid, { exchange, claims: payload });
    while (this.received.size > MAX_KEPT) this.received.delete(this.received.keys().next().value as string);
  }

  /** The logout of this session, once it arrives (it is sent in the background): waits up to `ms`. */
  async waitFor(sid: string, ms: number): Promise<ReceivedLogout | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.get(sid);
      if (found || Date.now() >= deadline) {
        this.received.delete(sid);
        return found;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
