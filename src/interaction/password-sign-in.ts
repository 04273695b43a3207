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

/**
 * Checking a username and password, for the sign-in page and the password grant alike: the
 * throttle counts the attempt first, the password is checked against argon2id, and a right
 * password is forgiven (RFC 6749 §4.3.2, RFC 9700 §2.4: protect against brute force).
 */
export class PasswordSignIn {
  private readonly throttle: LoginThrottle;

  constructor(private readonly users: UserStore, throttle: ThrottleStore, private readonly clock: Clock) {
    this.throttle = new LoginThrottle(throttle);
  }

  async signIn(username: string, password: string, remoteAddress: string): Promise<SignInResult> {
    const verdict = await this.throttle.attempt(username, remoteAddress, this.clock.nowSeconds());
    if (verdict.throttled) return { outcome: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
    const user = await authenticateUser(this.users, username, password);
    if (!user) return { outcome: 'rejected' };
    await this.throttle.succeeded(username, remoteAddress);
    return { outcome: 'signed-in', user };
  }
}
