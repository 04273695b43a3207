import { LoginRequired } from '../core/errors.js';
import type { InteractionProof } from '../interaction/sign-in-proof.js';
import type { OpenIdRequest } from './openid-request.js';

/**
 * How long after a sign-in its proof satisfies prompt=login or max_age: the time to come back from
 * /login to /authorize and to answer the consent page (which checks again). An ID token may then say
 * auth_time up to this much older than max_age asks: the OP's clock skew allowance for its own pages.
 */
export const PROOF_SKEW_SECONDS = 5 * 60;

/** Why a signed-in user must sign in again. */
export type SignInAgainReason =
  /** prompt=login (Core §3.1.2.1: "MUST reauthenticate the End-User even if already authenticated"). */
  | 'login'
  /** The session's auth_time is older than max_age (Core §3.1.2.1: "MUST attempt to actively re-authenticate"). */
  | 'max-age'
  /** The id_token_hint names another user than the one signed in. */
  | 'other-user';

export type AuthenticationVerdict =
  | { outcome: 'authenticated' }
  | { outcome: 'sign-in-again'; reason: SignInAgainReason }
  /** prompt=select_account: the user says which account goes on (the one signed in, or another after signing in). */
  | { outcome: 'choose-account' }
  | { outcome: 'error'; error: LoginRequired };

export interface AuthenticationFacts {
  /** The user signed in to the browser session. */
  readonly userId: string;
  /** When that user signed in (the session's auth_time); null when unknown. */
  readonly authTime: number | null;
  readonly now: number;
  /** The verified id_token_hint's sub, when the request has one. */
  readonly hintSubject?: string | undefined;
  /** What the user did at the sign-in page for this very request (interaction/sign-in-proof.ts). */
  readonly proof?: InteractionProof | undefined;
}

/**
 * Whether the signed-in user's authentication satisfies an OpenID request (Core §3.1.2.1 prompt,
 * max_age, id_token_hint; §3.1.2.3), or what is needed first. A plain OAuth 2 request (no `openid`)
 * is satisfied by any session. Nothing here reads a clock or a store: the facts come in.
 */
export function checkAuthentication(openid: OpenIdRequest | undefined, facts: AuthenticationFacts): AuthenticationVerdict {
  if (!openid) return { outcome: 'authenticated' };
  // Core §3.1.2.1 prompt=none: "The Authorization Server MUST NOT display any authentication or
  // consent user interface pages"; what would need one is login_required (§3.1.2.6).
  const silent = openid.prompt.includes('none');
  // Core §2: auth_time is REQUIRED when max_age is asked and is in every ID token here; a session
  // that does not know it (an older version's row) signs in again rather than inventing one.
  if (facts.authTime === null) {
    if (silent) return { outcome: 'error', error: new LoginRequired('The session does not say when the user signed in (prompt=none).') };
    return { outcome: 'sign-in-again', reason: 'max-age' };
  }
  // A sign-in proof is an HMAC with no server state, so it could be replayed while valid: it only
  // counts when the session's own auth_time is that recent sign-in (within PROOF_SKEW_SECONDS).
  const signedInNow = facts.proof === 'signed-in' && facts.now - facts.authTime <= PROOF_SKEW_SECONDS;
  // Core §3.1.2.1 id_token_hint: "If the End-User identified by the ID Token is logged in or is
  // logged in by the request, then the Authorization Server returns a positive response;
  // otherwise, it SHOULD return an error, such as login_required."
  if (facts.hintSubject !== undefined && facts.hintSubject !== facts.userId) {
    if (silent || signedInNow) return { outcome: 'error', error: new LoginRequired('The signed-in user is not the one the id_token_hint names.') };
    return { outcome: 'sign-in-again', reason: 'other-user' };
  }
  // Core §3.1.2.3: with prompt=login the server "MUST reauthenticate the End-User even if the
  // End-User is already authenticated" (prompt=none cannot be combined with it).
  if (openid.prompt.includes('login') && !signedInNow) return { outcome: 'sign-in-again', reason: 'login' };
  // Core §3.1.2.1 max_age: "If the elapsed time is greater than this value, the OP MUST attempt to
  // actively re-authenticate the End-User" (max_age=0 is prompt=login).
  const tooOld = openid.maxAge !== undefined && (openid.maxAge === 0 || facts.now - facts.authTime > openid.maxAge);
  if (tooOld && !signedInNow) {
    if (silent) return { outcome: 'error', error: new LoginRequired('The sign-in is older than max_age (prompt=none).') };
    return { outcome: 'sign-in-again', reason: 'max-age' };
  }
  // Core §3.1.2.1 select_account: the server "SHOULD prompt the End-User to select a user account".
  // A session holds one account, so the choice is: go on as that user, or sign in as another.
  if (openid.prompt.includes('select_account') && facts.proof === undefined) return { outcome: 'choose-account' };
  return { outcome: 'authenticated' };
}
