import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  parseAuthorizationRequest, RedirectableError, UntrustedRedirectError, type AuthorizationRequestContext,
} from '../../authorize/parse-request.js';
import { errorResponse } from '../../authorize/respond.js';
import type { AuthorizationRequest } from '../../authorize/types.js';
import type { OAuthError } from '../../core/errors.js';
import type { AuthorizationInteraction, NextStep } from '../../interaction/authorization-decision.js';
import { withoutProof, type SignInProofs } from '../../interaction/sign-in-proof.js';
import type { SignInAgainReason } from '../../oidc/authentication-check.js';
import { checkCsrf } from '../csrf.js';
import { pageFormBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { BrowserSession, Sessions } from '../session.js';
import { authorizationErrorPage, consentPage, errorPage, signInPage } from '../views/pages.js';
import { SELF_REGISTERED_CLIENT_ID_PREFIX } from '../../core/display-text.js';

export interface AuthorizeRouteDependencies {
  readonly requests: AuthorizationRequestContext;
  readonly interaction: AuthorizationInteraction;
  readonly sessions: Sessions;
  readonly proofs: SignInProofs;
}

/** Why a signed-in user sees the sign-in page, in plain words. */
/**
 * The client's name as the sign-in pages show it: a metadata-document client's name is only what
 * its host says, so the host is shown with it (the consent page says more).
 */
function shownName(client: AuthorizationRequest['client']): string {
  if (client.clientId.startsWith(SELF_REGISTERED_CLIENT_ID_PREFIX)) return `${client.clientName} (self-registered, not verified)`;
  if (!client.fromMetadataDocument) return client.clientName;
  return `${client.clientName} (${new URL(client.clientId).host}, not verified)`;
}

function signInAgainNotice(reason: SignInAgainReason, clientName: string): string {
  switch (reason) {
    case 'login':
    case 'max-age':
      return `${clientName} asks you to sign in again to confirm it is you.`;
    case 'other-user':
      return `${clientName} expects another account than the one signed in here. Sign in with that account.`;
  }
}

/**
 * An authorization error for a self-registered client, before the user decided anything: the
 * server's page, with the error response as a link (RFC 9700 §4.11.2, authorize/error-redirect.ts).
 */
function showError(reply: FastifyReply, error: OAuthError, location: string): FastifyReply {
  setPageHeaders(reply);
  return reply.code(400).send(authorizationErrorPage({ error: error.error, description: error.description, location }));
}

/** Runs `work` on a validated request; the two kinds of authorization error end here. */
async function withAuthorizationRequest(
  query: URLSearchParams, reply: FastifyReply, deps: AuthorizeRouteDependencies, work: (request: AuthorizationRequest) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  let request: AuthorizationRequest;
  try {
    request = await parseAuthorizationRequest(query, deps.requests);
  } catch (error) {
    if (error instanceof UntrustedRedirectError) {
      setPageHeaders(reply);
      return reply.code(400).send(errorPage(error.title, error.description));
    }
    if (error instanceof RedirectableError) {
      const location = errorResponse(error.oauthError, error, deps.requests.settings.issuer);
      if (error.userDecides) return showError(reply, error.oauthError, location);
      return reply.header('cache-control', 'no-store').redirect(location, 303);
    }
    throw error;
  }
  return work(request);
}

/** The query string of the original /authorize request, carried through the sign-in and consent forms. */
function queryOf(request: FastifyRequest): string {
  const url = request.url;
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

export function authorizeRoutes(app: FastifyInstance, deps: AuthorizeRouteDependencies): void {
  const { sessions, interaction } = deps;

  /** Renders what the interaction decided. */
  async function render(next: NextStep, request: FastifyRequest, reply: FastifyReply, session: BrowserSession, authorization: AuthorizationRequest, query: string) {
    switch (next.step) {
      case 'redirect':
        // It carries a code or, for implicit, an access token: never cached (RFC 6749 §5.1 in spirit).
        return reply.header('cache-control', 'no-store').redirect(next.location, 303);
      case 'error':
        return showError(reply, next.error, next.location);
      case 'consent':
        return reply.send(consentPage({
          csrfToken: session.csrfToken, request: query, clientName: authorization.client.clientName, username: next.user.username,
          scopes: next.scopes, claims: next.claims, redirectUri: authorization.redirectUri,
          metadataDocument: authorization.client.fromMetadataDocument ? authorization.client.clientId : undefined,
          selfRegistered: authorization.client.clientId.startsWith(SELF_REGISTERED_CLIENT_ID_PREFIX),
        }));
      case 'sign-in': {
        let current = session;
        if (next.staleSession) {
          await sessions.signOut(request, reply);
          current = await sessions.loadOrStart(request, reply);
        }
        // Signing in again prefills who is signed in, unless the client expects someone else;
        // the client's login_hint comes first (Core §3.1.2.1), escaped like any text of the page.
        const again = next.again;
        const username = next.loginHint ?? (again && again.reason !== 'other-user' ? again.user.username : undefined);
        return reply.send(signInPage({
          csrfToken: current.csrfToken, returnTo: `/authorize?${withoutProof(query)}`, clientName: shownName(authorization.client),
          ...(username !== undefined ? { username } : {}), ...(again ? { notice: signInAgainNotice(again.reason, authorization.client.clientName) } : {}),
        }));
      }
      case 'choose-account':
        return reply.send(signInPage({
          csrfToken: session.csrfToken, returnTo: `/authorize?${withoutProof(query)}`, clientName: shownName(authorization.client),
          currentUsername: next.user.username, ...(next.loginHint !== undefined ? { username: next.loginHint } : {}),
        }));
    }
  }

  // RFC 6749 §3.1: the authorization endpoint MUST support GET (POST is allowed too, not offered here).
  app.get('/authorize', async (request, reply) => {
    const query = queryOf(request);
    return withAuthorizationRequest(new URLSearchParams(query), reply, deps, async (authorization) => {
      const session = await sessions.loadOrStart(request, reply);
      setPageHeaders(reply, authorization.redirectUri);
      const proof = deps.proofs.verify(query, session.sid);
      return render(await interaction.nextStep(authorization, session, proof), request, reply, session, authorization, query);
    });
  });

  app.post('/consent', async (request, reply) => {
    const form = pageFormBody(request);
    const session = await sessions.load(request);
    checkCsrf(request, session, form.get('csrf_token') ?? undefined, deps.requests.settings.issuer);
    const query = form.get('request') ?? '';
    return withAuthorizationRequest(new URLSearchParams(query), reply, deps, async (authorization) => {
      if (!session?.userId) {
        setPageHeaders(reply);
        return reply.code(401).send(errorPage('Signed out', 'Your session ended before you answered. Start again from the application.'));
      }
      // The answer may be a page again (the sign-in page, when the request's sign-in no longer holds).
      setPageHeaders(reply, authorization.redirectUri);
      const origin = { address: request.ip ?? 'unknown', requestId: request.id };
      const next = await interaction.answerConsent(authorization, { ...session, userId: session.userId }, form.get('decision') === 'allow', origin, deps.proofs.verify(query, session.sid));
      return render(next, request, reply, session, authorization, query);
    });
  });
}
