import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  parseAuthorizationRequest, RedirectableError, UntrustedRedirectError, type AuthorizationRequestContext,
} from '../../authorize/parse-request.js';
import { errorResponse } from '../../authorize/respond.js';
import type { AuthorizationRequest } from '../../authorize/types.js';
import type { AuthorizationInteraction, NextStep } from '../../interaction/authorization-decision.js';
import { checkCsrf } from '../csrf.js';
import { pageFormBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { BrowserSession, Sessions } from '../session.js';
import { consentPage, errorPage, signInPage } from '../views/pages.js';

export interface AuthorizeRouteDependencies {
  readonly requests: AuthorizationRequestContext;
  readonly interaction: AuthorizationInteraction;
  readonly sessions: Sessions;
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
      return reply.header('cache-control', 'no-store').redirect(errorResponse(error.oauthError, error, deps.requests.settings.issuer), 303);
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
      case 'consent':
        return reply.send(consentPage({
          csrfToken: session.csrfToken, request: query, clientName: authorization.client.clientName, username: next.user.username,
          scopes: next.scopes, claims: next.claims, redirectUri: authorization.redirectUri,
        }));
      case 'sign-in': {
        let current = session;
        if (next.staleSession) {
          await sessions.signOut(request, reply);
          current = await sessions.loadOrStart(request, reply);
        }
        return reply.send(signInPage({ csrfToken: current.csrfToken, returnTo: `/authorize?${query}`, clientName: authorization.client.clientName }));
      }
    }
  }

  // RFC 6749 §3.1: the authorization endpoint MUST support GET (POST is allowed too, not offered here).
  app.get('/authorize', async (request, reply) => {
    const query = queryOf(request);
    return withAuthorizationRequest(new URLSearchParams(query), reply, deps, async (authorization) => {
      const session = await sessions.loadOrStart(request, reply);
      setPageHeaders(reply, authorization.redirectUri);
      return render(await interaction.nextStep(authorization, session), request, reply, session, authorization, query);
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
      const next = await interaction.answerConsent(authorization, { ...session, userId: session.userId }, form.get('decision') === 'allow', { address: request.ip ?? 'unknown', requestId: request.id });
      return render(next, request, reply, session, authorization, query);
    });
  });
}
