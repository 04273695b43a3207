import { noAudit, type AuditLog } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { LoginThrottle } from '../core/login-throttle.js';
import { PasswordCheckGate } from '../core/password-check-gate.js';
import { authenticateUser } from '../core/user-authentication.js';
import type { ThrottleStore, User, UserStore } from '../store/types.js';

export type SignInResult =
  | { outcome: 'signed-in'; user: User }
  /** Wrong username or wrong password: deliberately not said which. */
  | { outcome: 'rejected' }
  /** Too many failures; try again after this many seconds. */
  | { outcome: 'throttled'; retryAfterSeconds: number }
  /** Too many password checks waiting in this process; try again in a second (nothing was counted). */
  | { outcome: 'busy' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checking a username and password, for the sign-in page and the password grant alike: the
 * throttle admits the attempt (address, then user at address; a much-attacked user waits), the
 * password is checked against argon2id, and only a wrong one is counted (RFC 6749 §4.3.2,
 * RFC 9700 §2.4: protect against brute force, without letting anyone lock the user out).
 */
export class PasswordSignIn {
  private readonly throttle: LoginThrottle;
  private readonly gate = new PasswordCheckGate();

  /** `wait` waits this many milliseconds: the slow-down of an attacked account, and turns in a crowd. */
  constructor(private readonly users: UserStore, throttle: ThrottleStore, clock: Clock, wait: (ms: number) => Promise<void> = sleep, private readonly audit: AuditLog = noAudit) {
    this.throttle = new LoginThrottle(throttle, clock, wait);
  }

  /** `context`: the request's id and the client it signs in for, for the audit log (never the username). */
  async signIn(username: string, password: string, remoteAddress: string, context: { requestId?: string | undefined; clientId?: string | undefined } = {}): Promise<SignInResult> {
    const origin = { address: remoteAddress, requestId: context.requestId, clientId: context.clientId };
    const admission = await this.throttle.admit(username, remoteAddress);
    if (!admission.admitted) {
      this.audit.record({ event: 'sign_in.throttled', ...origin });
      return { outcome: 'throttled', retryAfterSeconds: admission.retryAfterSeconds };
    }
    const leave = await this.gate.enter();
    if (!leave) {
      await this.throttle.abandoned(admission.attempt);
      return { outcome: 'busy' };
    }
    let user: User | undefined;
    try {
      user = await authenticateUser(this.users, username, password);
    } catch (error) {
      await this.throttle.abandoned(admission.attempt);
      throw error;
    } finally {
      leave();
    }
    if (!user) {
      await this.throttle.failed(admission.attempt);
      this.audit.record({ event: 'sign_in.failed', ...origin });
      return { outcome: 'rejected' };
    }
    await this.throttle.succeeded(admission.attempt);
    this.audit.record({ event: 'sign_in.succeeded', ...origin, userId: user.id });
    return { outcome: 'signed-in', user };
  }
}
