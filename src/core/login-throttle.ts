import type { ThrottleStore } from '../store/types.js';
import { TooManyAttempts } from './errors.js';

/**
 * Password guessing is slowed per user and per client IP, with the counters in the store so
 * that every server instance sees the same ones. RFC 6749 §4.3.2 and RFC 9700 §2.4 ask the
 * server to protect the password grant against brute force; the sign-in page uses the same.
 */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  maxFailuresPerUser: 5,
  maxFailuresPerIp: 20,
} as const;

const userKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

export class LoginThrottle {
  constructor(private readonly store: ThrottleStore) {}

  /** Throws 429 with Retry-After when either counter is over its limit in the current window. */
  async check(username: string, ip: string, now: number): Promise<void> {
    const [user, address] = await Promise.all([this.store.get(userKey(username)), this.store.get(ipKey(ip))]);
    for (const [state, max] of [[user, THROTTLE.maxFailuresPerUser], [address, THROTTLE.maxFailuresPerIp]] as const) {
      if (state && state.failures >= max && state.windowStart > now - THROTTLE.windowSeconds) {
        throw new TooManyAttempts('Too many failed sign-in attempts; wait before trying again.',
          state.windowStart + THROTTLE.windowSeconds - now);
      }
    }
  }

  async recordFailure(username: string, ip: string, now: number): Promise<void> {
    await this.store.recordFailure(userKey(username), now, THROTTLE.windowSeconds);
    await this.store.recordFailure(ipKey(ip), now, THROTTLE.windowSeconds);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.reset(userKey(username));
  }
}
