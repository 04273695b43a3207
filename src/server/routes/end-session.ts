import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationInteraction } from '../../interaction/authorization-decision.js';
import {
  END_SESSION_PARAMETERS, InvalidEndSessionRequest, isTrustedFor, parseEndSessionRequest, type EndSessionContext, type EndSessionRequest,
} from '../../oidc/logout/end-session-request.js';
import { checkCsrf } from '../csrf.js';
import { pageFormBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { BrowserSession, Sessions } from '../session.js';
import { logoutConfirmationPage, logoutRefusedPage } from '../views/logout-pages.js';
import { signedOutPage } from '../views/pages.js';

/** The end-session endpoint's path (RP-Initiated Logout 1.0 §2), advertised as end_session_endpoint. */
export const END_SESSION_PATH = '/end_session';

export interface EndSessionRouteDependencies {
  readonly issuer: string;
  readonly sessions: Sessions;
  readonly interaction: Pick<AuthorizationInteraction, 'signedInUser'>;
  readonly requests: EndSessionContext;
  /** Ends the request's browser session: deletes it, clears its cookie, tells its RPs (back-channel). */
  readonly endSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0: GET and POST at /end_session (§2), a confirmation page
 * when the request cannot be trusted, then the browser session is ended and the browser goes back to
 * the registered post_logout_redirect_uri with `state` (§3), or is shown that it is signed out.
 * `ui_locales` is accepted and has no effect: the pages are in English only.
 */
export function endSessionRoutes(app: FastifyInstance, deps: EndSessionRouteDependencies): void {
  const { sessions } = deps;

  async function parse(params: URLSearchParams, reply: FastifyReply, session: BrowserSession | undefined): Promise<EndSessionRequest | undefined> {
    try {
      return await parseEndSessionRequest(params, deps.requests);
    } catch (error) {
      if (!(error instanceof InvalidEndSessionRequest)) throw error;
      setPageHeaders(reply);
      const signedIn = session !== undefined && session.userId !== null;
      void reply.code(400).send(logoutRefusedPage(error.description, signedIn ? { csrfToken: session.csrfToken } : undefined));
      return undefined;
    }
  }

  function finish(reply: FastifyReply, request: EndSessionRequest): FastifyReply {
    // §3: back to the RP, with state, when the URI is registered and vouched for; otherwise a page.
    if (request.redirectTo !== undefined) return reply.header('cache-control', 'no-store').redirect(request.redirectTo, 303);
    setPageHeaders(reply);
    return reply.send(signedOutPage());
  }

  async function endSessionRequest(request: FastifyRequest, reply: FastifyReply, params: URLSearchParams) {
    const session = await sessions.load(request);
    const parsed = await parse(params, reply, session);
    if (!parsed) return reply;
    const user = session?.sid ? await deps.interaction.signedInUser(session.userId) : undefined;
    // Nobody signed in here: nothing to end, nothing to ask.
    if (!session || session.sid === null || !user) return finish(reply, parsed);
    if (isTrustedFor(parsed, { userId: user.id, sid: session.sid, username: user.username })) {
      await deps.endSession(request, reply);
      return finish(reply, parsed);
    }
    // §2: the OP SHOULD ask the End-User whether to log out; here it must, since the request is not
    // known to come from this user's RP. The redirect after the answer must be allowed by form-action.
    setPageHeaders(reply, parsed.redirectTo);
    return reply.send(logoutConfirmationPage({
      csrfToken: session.csrfToken, username: user.username, clientName: parsed.client?.clientName, params: parsed.params,
    }));
  }

  app.get(END_SESSION_PATH, async (request, reply) => endSessionRequest(request, reply, new URLSearchParams(request.url.split('?')[1] ?? '')));
  // §2: the OP MUST support POST (form serialization) as well as GET. An RP's form post is
  // cross-site, and the session cookie (SameSite=Lax) is not sent with it: the browser would look
  // signed out and the session would survive. So the request is handed on as a GET of the same
  // parameters, a top-level navigation that does carry the cookie.
  app.post(END_SESSION_PATH, async (request, reply) => {
    const params = new URLSearchParams();
    for (const [name, value] of pageFormBody(request)) if ((END_SESSION_PARAMETERS as readonly string[]).includes(name)) params.append(name, value);
    return reply.header('cache-control', 'no-store').redirect(`${END_SESSION_PATH}?${params.toString()}`, 303);
  });

  app.post(`${END_SESSION_PATH}/confirm`, async (request, reply) => {
    const form = pageFormBody(request);
    const session = await sessions.load(request);
    checkCsrf(request, session, form.get('csrf_token') ?? undefined, deps.issuer);
    const parsed = await parse(form, reply, session);
    if (!parsed) return reply;
    if (form.get('decision') !== 'logout') return reply.redirect('/', 303);
    await deps.endSession(request, reply);
    return finish(reply, parsed);
  });
}
