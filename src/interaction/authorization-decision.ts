import { errorRedirectNeedsUser } from '../authorize/error-redirect.js';
import { authorizationResponse, errorResponse } from '../authorize/respond.js';
import type { AuthorizationRequest, ConsentedGrant } from '../authorize/types.js';
import type { RequestOrigin } from '../core/audit.js';
import { AccessDenied, ConsentRequired, InvalidRequest, LoginRequired, type OAuthError } from '../core/errors.js';
import type { GrantContext } from '../grants/types.js';
import { checkAuthentication, type SignInAgainReason } from '../oidc/authentication-check.js';
import { releasedClaimNames } from '../oidc/claims-selection.js';
import type { IdTokenHints } from '../oidc/id-token-hint.js';
import type { ClientStore, ConsentStore, SessionMember, User } from '../store/types.js';
import { isPublicClient } from '../store/types.js';
import type { InteractionProof } from './sign-in-proof.js';

/** What the authorization endpoint does next with a valid request. */
export type NextStep =
  /**
   * Nobody is signed in, or the signed-in user no longer exists (`staleSession`: end that session),
   * or the signed-in user must sign in again (`again`: prompt=login, max_age, id_token_hint).
   * `loginHint` (Core §3.1.2.1 login_hint) may prefill the username; it proves nothing.
   */
  | { step: 'sign-in'; staleSession: boolean; again?: { user: User; reason: SignInAgainReason }; loginHint?: string | undefined }
  /** prompt=select_account: go on as `user`, or sign in as someone else. */
  | { step: 'choose-account'; user: User; loginHint?: string | undefined }
  /** Ask the user to allow these scopes. */
  | { step: 'consent'; user: User; scopes: string[]; claims: { name: string; essential: boolean }[] }
  /** Done: send the browser here (an authorization response or error). */
  | { step: 'redirect'; location: string }
  /**
   * Done with an error the user was not part of, for a client whose redirect URI the server does not
   * vouch for (authorize/error-redirect.ts): show it, with `location` as a link the user may follow.
   */
  | { step: 'error'; error: OAuthError; location: string };

export type InteractionContext = GrantContext & {
  readonly consents: ConsentStore; readonly clients: ClientStore; readonly idTokenHints: IdTokenHints;
  /** Tells the RPs whose sessions with a user ended without the session ending (back-channel logout). */
  readonly sessionMembersEnded?: ((members: SessionMember[]) => void) | undefined;
};

/** What the decision needs of the browser session (server/session.ts BrowserSession has it). */
export interface SessionFacts {
  readonly userId: string | null;
  /** When the user signed in, for the ID token's auth_time. */
  readonly authTime: number | null;
  /** The session's id for relying parties (OpenID Connect sid). */
  readonly sid: string | null;
}

/**
 * The claims an OpenID request asks for one by one (Core §5.5) that its scope does not already
 * release: the consent page lists them, so the user allows every claim the client will get.
 */
function claimsToConsent(request: AuthorizationRequest): { name: string; essential: boolean }[] {
  const claims = request.openid?.claims;
  if (!claims) return [];
  const byScope = new Set(releasedClaimNames(request.scope, []));
  const asked = new Map<string, boolean>();
  for (const where of ['id_token', 'userinfo'] as const) {
    for (const [name, ask] of Object.entries(claims[where])) {
      if (name === 'sub' || name === 'auth_time' || byScope.has(name)) continue;
      asked.set(name, (asked.get(name) ?? false) || ask.essential);
    }
  }
  return [...asked].map(([name, essential]) => ({ name, essential }));
}

/**
 * OpenID Connect Core §5.5.1: when the claims parameter asks for the ID token's `sub` with a value,
 * the server MUST only answer positively for that user, never with tokens for another one signed in.
 */
function isRequestedSubject(request: AuthorizationRequest, userId: string): boolean {
  const values = request.openid?.claims?.id_token.sub?.values;
  return values === undefined || values.includes(userId);
}

/** Core §2 amr: the only way to sign in here is a password (RFC 8176 "pwd"). */
const PASSWORD_AMR = ['pwd'];

/** What the user agreed to, with how they signed in (for the ID token of an OpenID request). */
function consented(userId: string, scope: string[], session: SessionFacts, now: number): ConsentedGrant {
  return { userId, scope, authentication: { authTime: session.authTime ?? now, sid: session.sid, amr: PASSWORD_AMR } };
}

/**
 * The authorization endpoint's decisions between sign-in, consent and the response, in one place
 * away from HTTP: routes parse the request, ask here, and render what comes back.
 */
export class AuthorizationInteraction {
  constructor(private readonly ctx: InteractionContext) {}

  /** The user behind a session's user id, if that user still exists. */
  async signedInUser(userId: string | null): Promise<User | undefined> {
    return userId === null ? undefined : this.ctx.users.getById(userId);
  }

  /**
   * What comes after a valid request, for this browser session; `proof` is what the user just did
   * at the sign-in page for this very request (interaction/sign-in-proof.ts), if anything.
   */
  async nextStep(request: AuthorizationRequest, session: SessionFacts, proof?: InteractionProof): Promise<NextStep> {
    const authenticated = await this.authenticate(request, session, proof, false);
    if (authenticated.step !== 'authenticated') return authenticated;
    const { user } = authenticated;
    if (await this.needsConsent(request, user.id)) {
      // Core §3.1.2.1 prompt=none: no consent page either (§3.1.2.6 consent_required).
      if (request.openid?.prompt.includes('none')) return this.errorStep(request, new ConsentRequired('The user has not allowed this request yet (prompt=none).'), false);
      return { step: 'consent', user, scopes: request.scope, claims: claimsToConsent(request) };
    }
    return { step: 'redirect', location: await authorizationResponse(request, consented(user.id, request.scope, session, this.ctx.clock.nowSeconds()), this.ctx) };
  }

  /**
   * The signed-in user when the session's authentication satisfies the request (Core §3.1.2.3),
   * otherwise the step that gets it: the sign-in page, the account choice, or an error (redirected,
   * or shown when `userDecided` is false and the client registered itself: errorStep).
   */
  private async authenticate(
    request: AuthorizationRequest, session: SessionFacts, proof: InteractionProof | undefined, userDecided: boolean,
  ): Promise<{ step: 'authenticated'; user: User } | NextStep> {
    const fail = (error: OAuthError) => this.errorStep(request, error, userDecided);
    const openid = request.openid;
    const silent = openid?.prompt.includes('none') === true;
    const loginHint = openid?.loginHint;
    // Core §3.1.2.1 id_token_hint: an ID token this server issued; anything else is an invalid
    // parameter value (RFC 6749 §4.1.2.1 invalid_request), whoever is signed in.
    let hintSubject: string | undefined;
    if (openid?.idTokenHint !== undefined) {
      hintSubject = await this.ctx.idTokenHints.subject(openid.idTokenHint);
      if (hintSubject === undefined) return fail(new InvalidRequest('id_token_hint is not a valid ID token of this server.'));
    }
    const user = session.userId === null ? undefined : await this.ctx.users.getById(session.userId);
    if (!user) {
      // Core §3.1.2.1 prompt=none: the server MUST NOT show a page; §3.1.2.6 login_required.
      if (silent) return fail(new LoginRequired('No user is signed in (prompt=none).'));
      return { step: 'sign-in', staleSession: session.userId !== null, loginHint };
    }
    const verdict = checkAuthentication(openid, { userId: user.id, authTime: session.authTime, now: this.ctx.clock.nowSeconds(), hintSubject, proof });
    switch (verdict.outcome) {
      case 'error': return fail(verdict.error);
      case 'sign-in-again': return { step: 'sign-in', staleSession: false, again: { user, reason: verdict.reason }, loginHint };
      case 'choose-account': return { step: 'choose-account', user, loginHint };
      case 'authenticated': break;
    }
    if (!isRequestedSubject(request, user.id)) return fail(new LoginRequired('The signed-in user is not the one the request asks for.'));
    return { step: 'authenticated', user };
  }

  /**
   * An error response (RFC 6749 §4.1.2.1): redirected, unless the user has not decided anything yet
   * and the client registered itself (RFC 9700 §4.11.2, authorize/error-redirect.ts): then shown.
   */
  private errorStep(request: AuthorizationRequest, error: OAuthError, userDecided: boolean): NextStep {
    const location = errorResponse(error, request, this.ctx.settings.issuer);
    if (!userDecided && errorRedirectNeedsUser(request.client)) return { step: 'error', error, location };
    return { step: 'redirect', location };
  }

  /**
   * The user's answer on the consent page; an allowed request is remembered for next time. The
   * request's authentication is checked again (prompt=login, max_age, id_token_hint, with the
   * proof the consent form carried), so a consent form posted by hand cannot skip the sign-in.
   */
  async answerConsent(request: AuthorizationRequest, session: SessionFacts & { readonly userId: string }, allowed: boolean, origin?: RequestOrigin, proof?: InteractionProof): Promise<NextStep> {
    const { userId } = session;
    if (allowed) {
      // The user answered the consent page, which named where the answer goes: errors redirect.
      const authenticated = await this.authenticate(request, session, proof, true);
      if (authenticated.step !== 'authenticated') return authenticated;
    }
    this.ctx.audit?.record({ event: allowed ? 'consent.granted' : 'consent.denied', clientId: request.client.clientId, userId, address: origin?.address, requestId: origin?.requestId });
    if (!allowed) {
      // RFC 6749 §4.1.2.1: the resource owner denied the request.
      return { step: 'redirect', location: errorResponse(new AccessDenied('The user denied the request.'), request, this.ctx.settings.issuer) };
    }
    const claims = claimsToConsent(request).map(({ name }) => name);
    await this.ctx.consents.grant(userId, request.client.clientId, request.audience, request.scope, this.ctx.clock.nowSeconds(), claims);
    return { step: 'redirect', location: await authorizationResponse(request, consented(userId, request.scope, session, this.ctx.clock.nowSeconds()), this.ctx) };
  }

  /**
   * Consent is remembered per user, client, audience, scopes and individually requested claims: the page is skipped only when
   * the user allowed this client, for this audience, every requested scope before (no consent
   * at all means the page, whatever the scope, even none), or when the client is first-party
   * (skip_consent). A public client always gets the page: anyone can claim its client_id and a
   * loopback redirect, so only the user can tell it is the real one (RFC 8252 §8.6, RFC 6749 §10.2).
   */
  private async needsConsent(request: AuthorizationRequest, userId: string): Promise<boolean> {
    // RFC 8252 §8.5: a native app's secret is not confidential, so it proves nothing either.
    if (isPublicClient(request.client) || request.client.fromMetadataDocument === true || request.client.applicationType === 'native') return true;
    // OpenID Connect Core §3.1.2.1 prompt=consent: the server SHOULD ask, whatever was allowed before.
    if (request.openid?.prompt.includes('consent')) return true;
    // Core §11: "the OP MUST always obtain consent to returning a Refresh Token that enables offline
    // access": offline_access is asked on the page even of a first-party client, unless the user
    // allowed it to this client before (remembered consent is the OP's "other condition").
    const offline = request.openid !== undefined && request.scope.includes('offline_access');
    // Claims asked for one by one beyond the request's scope are the user's to allow, even for a
    // first-party client: skip_consent covers the scope the request names, nothing more.
    const extraClaims = claimsToConsent(request).length > 0;
    if (request.client.skipConsent && !offline && !extraClaims) return false;
    const consent = await this.ctx.consents.find(userId, request.client.clientId, request.audience);
    if (offline && !consent?.scopes.includes('offline_access')) return true;
    // Claims asked for one by one are remembered with the consent (per user, client and audience):
    // the page is shown again only for a claim the user has not allowed this client yet.
    if (extraClaims && !claimsToConsent(request).every(({ name }) => consent?.claims.includes(name))) return true;
    if (request.client.skipConsent) return false;
    return consent === undefined || !request.scope.every((scope) => consent.scopes.includes(scope));
  }

  /** The applications a user has allowed, for the account page. */
  async consentsOf(userId: string): Promise<{ clientId: string; clientName: string; audience: string; scopes: string[]; grantedAt: number }[]> {
    const consents = await this.ctx.consents.listForUser(userId);
    return Promise.all(consents.map(async (consent) => ({
      clientId: consent.clientId,
      clientName: (await this.ctx.clients.get(consent.clientId))?.clientName ?? consent.clientId,
      audience: consent.audience, scopes: consent.scopes, grantedAt: consent.grantedAt,
    })));
  }

  /** The user takes back what they allowed a client: its tokens for them stop working at once. */
  async withdrawConsent(userId: string, clientId: string, origin?: RequestOrigin): Promise<boolean> {
    const { withdrawn, sessionMembers } = await this.ctx.consents.withdraw(userId, clientId, this.ctx.clock.nowSeconds());
    // Back-Channel Logout 1.0 §2: the RP's sessions with this user ended; told after the commit.
    if (sessionMembers.length > 0) this.ctx.sessionMembersEnded?.(sessionMembers);
    if (withdrawn) this.ctx.audit?.record({ event: 'consent.withdrawn', clientId, userId, address: origin?.address, requestId: origin?.requestId });
    return withdrawn;
  }
}
