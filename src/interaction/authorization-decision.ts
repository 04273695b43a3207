import { authorizationResponse, errorResponse } from '../authorize/respond.js';
import type { AuthorizationRequest } from '../authorize/types.js';
import type { RequestOrigin } from '../core/audit.js';
import { AccessDenied } from '../core/errors.js';
import type { GrantContext } from '../grants/types.js';
import type { ClientStore, ConsentStore, User } from '../store/types.js';

/** What the authorization endpoint does next with a valid request. */
export type NextStep =
  /** Nobody is signed in, or the signed-in user no longer exists (`staleSession`: end that session). */
  | { step: 'sign-in'; staleSession: boolean }
  /** Ask the user to allow these scopes. */
  | { step: 'consent'; user: User; scopes: string[] }
  /** Done: send the browser here (an authorization response or error). */
  | { step: 'redirect'; location: string };

export type InteractionContext = GrantContext & { readonly consents: ConsentStore; readonly clients: ClientStore };

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

  async nextStep(request: AuthorizationRequest, sessionUserId: string | null): Promise<NextStep> {
    if (sessionUserId === null) return { step: 'sign-in', staleSession: false };
    const user = await this.ctx.users.getById(sessionUserId);
    if (!user) return { step: 'sign-in', staleSession: true };
    if (await this.needsConsent(request, user.id)) return { step: 'consent', user, scopes: request.scope };
    return { step: 'redirect', location: await authorizationResponse(request, { userId: user.id, scope: request.scope }, this.ctx) };
  }

  /** The user's answer on the consent page; an allowed request is remembered for next time. */
  async answerConsent(request: AuthorizationRequest, userId: string, allowed: boolean, origin?: RequestOrigin): Promise<NextStep> {
    this.ctx.audit?.record({ event: allowed ? 'consent.granted' : 'consent.denied', clientId: request.client.clientId, userId, address: origin?.address, requestId: origin?.requestId });
    if (!allowed) {
      // RFC 6749 §4.1.2.1: the resource owner denied the request.
      return { step: 'redirect', location: errorResponse(new AccessDenied('The user denied the request.'), request, this.ctx.settings.issuer) };
    }
    await this.ctx.consents.grant(userId, request.client.clientId, request.audience, request.scope, this.ctx.clock.nowSeconds());
    return { step: 'redirect', location: await authorizationResponse(request, { userId, scope: request.scope }, this.ctx) };
  }

  /**
   * Consent is remembered per user, client, audience and scopes: the page is skipped only when
   * the user allowed this client, for this audience, every requested scope before (no consent
   * at all means the page, whatever the scope, even none), or when the client is first-party
   * (skip_consent). A public client always gets the page: anyone can claim its client_id and a
   * loopback redirect, so only the user can tell it is the real one (RFC 8252 §8.6, RFC 6749 §10.2).
   */
  private async needsConsent(request: AuthorizationRequest, userId: string): Promise<boolean> {
    // RFC 8252 §8.5: a native app's secret is not confidential, so it proves nothing either.
    if (request.client.secretHash === null || request.client.applicationType === 'native') return true;
    if (request.client.skipConsent) return false;
    const consent = await this.ctx.consents.find(userId, request.client.clientId, request.audience);
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
    const withdrawn = await this.ctx.consents.withdraw(userId, clientId, this.ctx.clock.nowSeconds());
    if (withdrawn) this.ctx.audit?.record({ event: 'consent.withdrawn', clientId, userId, address: origin?.address, requestId: origin?.requestId });
    return withdrawn;
  }
}
