import type { ThrottleStore } from '../store/types.js';
import { hashSecret } from './tokens.js';

/**
 * Password guessing is slowed per user and per client IP, with the counters in the store so
 * that every server instance sees the same ones. RFC 6749 §4.3.2 requires the server to protect
 * the password grant against brute force (RFC 9700 §2.4); the sign-in page uses the same.
 */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  maxFailuresPerUser: 5,
  maxFailuresPerIp: 20,
} as const;

// Hashed, so that an arbitrarily long or odd username makes a key of fixed size and alphabet.
const userKey = (username: string) => `user:${hashSecret(username.toLowerCase())}`;
const ipKey = (ip: string) => `ip:${ip}`;

export type ThrottleVerdict = { throttled: false } | { throttled: true; retryAfterSeconds: number };

export class LoginThrottle {
  constructor(private readonly store: ThrottleStore) {}

  /**
   * Counts the attempt before the password is checked, in one atomic statement per counter:
   * parallel guesses cannot all slip past a read of the counters (DESIGN.md convention 2).
   * Throttled once either counter is over its limit in its window, until the window ends.
   */
  async attempt(username: string, ip: string, now: number): Promise<ThrottleVerdict> {
    const user = await this.store.recordFailure(userKey(username), now, THROTTLE.windowSeconds);
    const address = await this.store.recordFailure(ipKey(ip), now, THROTTLE.windowSeconds);
    for (const [state, max] of [[user, THROTTLE.maxFailuresPerUser], [address, THROTTLE.maxFailuresPerIp]] as const) {
      if (state.failures > max) return { throttled: true, retryAfterSeconds: state.windowStart + THROTTLE.windowSeconds - now };
    }
    return { throttled: false };
  }

  /** A right password: the user's count starts over, and this attempt no longer counts against the IP. */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.store.reset(userKey(username));
    await this.store.forgive(ipKey(ip));
  }

  /** The counter behind a username, for tests and administration. */
  static userKey(username: string): string {
    return userKey(username);
  }
}
