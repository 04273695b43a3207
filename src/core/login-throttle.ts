import { isIPv6 } from 'node:net';
import type { ThrottleLimit, ThrottleState, ThrottleStore } from '../store/types.js';
import type { Clock } from './clock.js';
import { legacySha256 } from './secret-hash.js';

/**
 * Password guessing is limited per address and per (user, address), and slowed per user, with the
 * counters in the store so that every server instance sees the same ones. RFC 6749 §4.3.2 requires
 * the server to protect the password grant against brute force (RFC 9700 §2.4); the sign-in page
 * uses the same.
 *
 * Nothing here can lock an account: guesses from one address are refused at that address only, so
 * the real user elsewhere still signs in. A user attacked from many addresses is slowed down (a
 * delay before each check of their password, growing with the failures), never refused.
 */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  /** Failures per address (whatever the usernames) in a window; then 429 at that address. */
  maxFailuresPerAddress: 20,
  /** Failures per (user, address) in a window; then 429 for that user at that address. */
  maxFailuresPerUserAndAddress: 5,
  /** Failures of one user, from every address, after which each attempt on the account waits. */
  slowDownAfterUserFailures: 10,
  /** The wait at that point; it doubles every `slowDownAfterUserFailures` more failures, up to `maxDelayMs`. */
  firstDelayMs: 250,
  maxDelayMs: 5_000,
  /** A reservation whose request never ended (a process that died) stops counting after this. */
  leaseSeconds: 30,
  /** How long an attempt waits while others are in flight before it gives up with 429. */
  maxWaitMs: 10_000,
} as const;

const ADDRESS: ThrottleLimit = { limit: THROTTLE.maxFailuresPerAddress, windowSeconds: THROTTLE.windowSeconds, leaseSeconds: THROTTLE.leaseSeconds };
const USER_AT_ADDRESS: ThrottleLimit = {
  limit: THROTTLE.maxFailuresPerUserAndAddress, windowSeconds: THROTTLE.windowSeconds, leaseSeconds: THROTTLE.leaseSeconds,
};
/** A waiting attempt looks again after 25 ms, then twice as long each time, up to a second. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 1_000;

/**
 * The address a counter is kept for: an IPv4 address (also when written IPv4-mapped), or the /64
 * network of an IPv6 address, which one host or subscriber usually holds whole (counting each of
 * its 2^64 addresses apart would give one attacker as many budgets).
 */
export function addressBucket(ip: string): string {
  const address = ip.split('%')[0] ?? ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

// Hashed, so that an arbitrarily long or odd username makes a key of fixed size and alphabet.
// Not a secret: a fixed-size key for any username (the counters are short-lived).
const userHash = (username: string) => legacySha256(username.toLowerCase());
const addressKey = (ip: string) => `ip:${addressBucket(ip)}`;
const userAtAddressKey = (username: string, ip: string) => `user-ip:${userHash(username)}:${addressBucket(ip)}`;
const userKey = (username: string) => `user:${userHash(username)}`;

/** The wait before a password of a user with `failures` recent failures is checked. */
export function slowDownMs(failures: number): number {
  if (failures < THROTTLE.slowDownAfterUserFailures) return 0;
  const doublings = Math.floor((failures - THROTTLE.slowDownAfterUserFailures) / THROTTLE.slowDownAfterUserFailures);
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.firstDelayMs * 2 ** Math.min(doublings, 16));
}

/** An attempt that may check its password: it holds a reservation on its counters until it is settled. */
export interface AdmittedAttempt {
  readonly addressKey: string;
  readonly userAtAddressKey: string;
  readonly userKey: string;
}

export type Admission = { admitted: true; attempt: AdmittedAttempt } | { admitted: false; retryAfterSeconds: number };

export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
    /** Waits this many milliseconds (injected so that a test can tell the slow-down without sleeping). */
    private readonly wait: (ms: number) => Promise<void>,
  ) {}

  /**
   * Reserves the attempt on the address counter, and only then on the (user, address) counter, each
   * in one atomic statement: parallel guesses cannot slip past the limit, since an attempt in flight
   * counts until it is settled. A counter at its limit of failures refuses (429); one that is full
   * of attempts in flight makes this one wait its turn, so that right passwords in parallel are all
   * checked. Then a much-attacked account is slowed down.
   */
  async admit(username: string, ip: string): Promise<Admission> {
    const attempt: AdmittedAttempt = { addressKey: addressKey(ip), userAtAddressKey: userAtAddressKey(username, ip), userKey: userKey(username) };
    for (let waited = 0, poll = FIRST_POLL_MS; ; poll = Math.min(MAX_POLL_MS, poll * 2)) {
      const now = this.clock.nowSeconds();
      // The address limit first: a blocked address touches no per-user state.
      const address = await this.store.reserve(attempt.addressKey, ADDRESS, now);
      let refused: { state: ThrottleState; limit: ThrottleLimit };
      if (address.reserved) {
        const pair = await this.store.reserve(attempt.userAtAddressKey, USER_AT_ADDRESS, now);
        if (pair.reserved) break;
        await this.store.release(attempt.addressKey, false);
        refused = { state: pair.state, limit: USER_AT_ADDRESS };
      } else {
        refused = { state: address.state, limit: ADDRESS };
      }
      if (refused.state.failures >= refused.limit.limit) {
        return { admitted: false, retryAfterSeconds: Math.max(1, refused.state.windowStart + THROTTLE.windowSeconds - now) };
      }
      // Full of attempts in flight: wait for them to settle, a little apart from the other waiters,
      // and less often the longer it takes, so that a crowd of waiters does not flood the store.
      // Only a crowd that outlasts maxWaitMs is refused (with Retry-After: 1).
      if (waited >= THROTTLE.maxWaitMs) return { admitted: false, retryAfterSeconds: 1 };
      const pause = poll + Math.floor(Math.random() * (poll / 2));
      await this.wait(pause);
      waited += pause;
    }
    const user = await this.store.get(attempt.userKey);
    const delay = slowDownMs(user && user.windowStart > this.clock.nowSeconds() - THROTTLE.windowSeconds ? user.failures : 0);
    if (delay > 0) await this.wait(delay);
    return { admitted: true, attempt };
  }

  /** The password was wrong: a failure at the address, for the user at the address, and for the user. */
  async failed(attempt: AdmittedAttempt): Promise<void> {
    await Promise.all([
      this.store.fail(attempt.addressKey),
      this.store.fail(attempt.userAtAddressKey),
      this.store.recordFailure(attempt.userKey, this.clock.nowSeconds(), THROTTLE.windowSeconds),
    ]);
  }

  /**
   * The password was right: the attempt is taken back, never counted. The user's failures at this
   * address are forgiven (only someone with the password can do that); the address's are not, or
   * one's own account would reset the budget for guessing others'.
   */
  async succeeded(attempt: AdmittedAttempt): Promise<void> {
    await Promise.all([this.store.release(attempt.addressKey, false), this.store.release(attempt.userAtAddressKey, true)]);
  }

  /** The check did not happen (an error): the attempt is taken back. */
  async abandoned(attempt: AdmittedAttempt): Promise<void> {
    await Promise.all([this.store.release(attempt.addressKey, false), this.store.release(attempt.userAtAddressKey, false)]);
  }

  /** The counters behind a username (and an address), for tests and administration. */
  static keys(username: string, ip: string): { address: string; userAtAddress: string; user: string } {
    return { address: addressKey(ip), userAtAddress: userAtAddressKey(username, ip), user: userKey(username) };
  }
}
