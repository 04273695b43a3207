import type { Clock } from '../core/clock.js';
import { LoginThrottle } from '../core/login-throttle.js';
import { authenticateUser } from '../core/user-authentication.js';
import type { ThrottleStore, User, UserStore } from '../store/types.js';

export type SignInResult =
  | { outcome: 'signed-in'; user: User }
  /** Wrong username or wrong password: deliberately not said which. */
  | { outcome: 'rejected' }
  /** Too many failures; try again after this many seconds. */
  | { outcome: 'throttled'; retryAfterSeconds: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checking a username and password, for the sign-in page and the password grant alike: the
 * throttle admits the attempt (address, then user at address; a much-attacked user waits), the
 * password is checked against argon2id, and only a wrong one is counted (RFC 6749 §4.3.2,
 * RFC 9700 §2.4: protect against brute force, without letting anyone lock the user out).
 */
export class PasswordSignIn {
  private readonly throttle: LoginThrottle;

  /** `wait` waits this many milliseconds: the slow-down of an attacked account, and turns in a crowd. */
  constructor(private readonly users: UserStore, throttle: ThrottleStore, clock: Clock, wait: (ms: number) => Promise<void> = sleep) {
    this.throttle = new LoginThrottle(throttle, clock, wait);
  }

  async signIn(username: string, password: string, remoteAddress: string): Promise<SignInResult> {
    const admission = await this.throttle.admit(username, remoteAddress);
    if (!admission.admitted) return { outcome: 'throttled', retryAfterSeconds: admission.retryAfterSeconds };
    let user: User | undefined;
    try {
      user = await authenticateUser(this.users, username, password);
    } catch (error) {
      await this.throttle.abandoned(admission.attempt);
      throw error;
    }
    if (!user) {
      await this.throttle.failed(admission.attempt);
      return { outcome: 'rejected' };
    }
    await this.throttle.succeeded(admission.attempt);
    return { outcome: 'signed-in', user };
  }
}
