import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needsConsent } from '../../authorize/consent.js';
import { parseAuthorizationRequest, RedirectableError, UntrustedRedirectError } from '../../authorize/parse-request.js';
import { authorizationResponse, errorResponse } from '../../authorize/respond.js';
import type { AuthorizationRequest } from '../../authorize/types.js';
import { AccessDenied } from '../../core/errors.js';
import type { GrantContext } from '../../grants/types.js';
import { checkCsrf } from '../csrf.js';
import { formBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { Sessions } from '../session.js';
import { consentPage, errorPage, signInPage } from '../views/pages.js';

/** Runs `work` on a validated request; the two kinds of authorization error end here. */
async function withAuthorizationRequest(
  query: URLSearchParams, reply: FastifyReply, ctx: GrantContext, work: (request: AuthorizationRequest) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  let request: AuthorizationRequest;
  try {
    request = await parseAuthorizationRequest(query, ctx.store.clients, ctx.config);
  } catch (error) {
    if (error instanceof UntrustedRedirectError) {
      setPageHeaders(reply);
      return reply.code(400).send(errorPage(error.title, error.description));
    }
    if (error instanceof RedirectableError) {
      return reply.header('cache-control', 'no-store').redirect(errorResponse(error.oauthError, error, ctx.config.issuer), 303);
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

export function authorizeRoutes(app: FastifyInstance, ctx: GrantContext, sessions: Sessions): void {
  // RFC 6749 §3.1: the authorization endpoint MUST support GET (POST is allowed too, not offered here).
  app.get('/authorize', async (request, reply) => {
    const query = queryOf(request);
    return withAuthorizationRequest(new URLSearchParams(query), reply, ctx, async (authorization) => {
      const session = await sessions.loadOrStart(request, reply);
      setPageHeaders(reply, authorization.redirectUri);
      if (session.userId === null) {
        return reply.send(signInPage({ csrfToken: session.csrfToken, returnTo: `/authorize?${query}`, clientName: authorization.client.clientName }));
      }
      const user = await ctx.store.users.getById(session.userId);
      if (!user) {
        await sessions.signOut(request, reply);
        const fresh = await sessions.loadOrStart(request, reply);
        return reply.send(signInPage({ csrfToken: fresh.csrfToken, returnTo: `/authorize?${query}`, clientName: authorization.client.clientName }));
      }
      if (await needsConsent(authorization, user.id, ctx.store)) {
        return reply.send(consentPage({
          csrfToken: session.csrfToken, request: query, clientName: authorization.client.clientName, username: user.username,
          scopes: authorization.scope,
        }));
      }
      return reply.redirect(await authorizationResponse(authorization, { userId: user.id, scope: authorization.scope }, ctx), 303);
    });
  });

  app.post('/consent', async (request, reply) => {
    const form = formBody(request);
    const session = await sessions.load(request);
    checkCsrf(request, session, form.get('csrf_token') ?? undefined, ctx.config.issuer);
    return withAuthorizationRequest(new URLSearchParams(form.get('request') ?? ''), reply, ctx, async (authorization) => {
      if (!session?.userId) {
        setPageHeaders(reply);
        return reply.code(401).send(errorPage('Signed out', 'Your session ended before you answered. Start again from the application.'));
      }
      if (form.get('decision') !== 'allow') {
        // RFC 6749 §4.1.2.1: the resource owner denied the request.
        return reply.redirect(errorResponse(new AccessDenied('The user denied the request.'), authorization, ctx.config.issuer), 303);
      }
      await ctx.store.consents.grant(session.userId, authorization.client.clientId, authorization.scope, ctx.clock.nowSeconds());
      return reply.redirect(await authorizationResponse(authorization, { userId: session.userId, scope: authorization.scope }, ctx), 303);
    });
  });
}
