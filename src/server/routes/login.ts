import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAuthorizationRequest, type AuthorizationRequestContext } from '../../authorize/parse-request.js';
import type { AuthorizationInteraction } from '../../interaction/authorization-decision.js';
import type { PasswordSignIn } from '../../interaction/password-sign-in.js';
import type { SignInProofs } from '../../interaction/sign-in-proof.js';
import { checkCsrf } from '../csrf.js';
import { pageFormBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { BrowserSession, Sessions } from '../session.js';
import { signedOutPage, signInPage } from '../views/pages.js';
import { STYLESHEET } from '../views/stylesheet.js';

export interface SessionRouteDependencies {
  readonly issuer: string;
  readonly sessions: Sessions;
  readonly signIn: PasswordSignIn;
  readonly interaction: AuthorizationInteraction;
  readonly requests: AuthorizationRequestContext;
  readonly proofs: SignInProofs;
  /** Ends the request's browser session and tells its relying parties (back-channel logout). */
  readonly endSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Tells the relying parties of a session that a sign-in as another user ended (back-channel logout). */
  readonly sessionReplaced: (request: FastifyRequest, ended: BrowserSession) => void;
}

/** Only our own authorization endpoint may be returned to: anything else would be an open redirect. */
function safeReturnTo(value: string | null, issuer: string): string {
  if (value === null || !value.startsWith('/')) return '/';
  try {
    const url = new URL(value, issuer);
    // Serialized by URL, so no CR, LF or raw non-ASCII can reach the Location header.
    return url.origin === new URL(issuer).origin && url.pathname === '/authorize' ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** For the audit log: the client_id of the authorization request a sign-in continues, as requested (not yet checked). */
function requestedClientId(returnTo: string): string | undefined {
  if (!returnTo.startsWith('/authorize?')) return undefined;
  const clientId = new URLSearchParams(returnTo.slice('/authorize?'.length)).get('client_id');
  return clientId !== null && /^[\x20-\x7E]{1,128}$/.test(clientId) ? clientId : undefined;
}

export function sessionRoutes(app: FastifyInstance, deps: SessionRouteDependencies): void {
  const { sessions, issuer } = deps;

  /**
   * The client's redirect URI when the sign-in continues an authorization: the page that asks
   * again must allow it in CSP form-action, which also governs the redirects after its submit.
   */
  async function continuedRedirectUri(returnTo: string): Promise<string | undefined> {
    if (!returnTo.startsWith('/authorize?')) return undefined;
    try {
      return (await parseAuthorizationRequest(new URLSearchParams(returnTo.slice('/authorize?'.length)), deps.requests)).redirectUri;
    } catch {
      return undefined;
    }
  }

  app.get('/assets/tessera.css', async (_request, reply) => {
    void reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400');
    return STYLESHEET;
  });

  app.get('/login', async (request, reply) => {
    const session = await sessions.loadOrStart(request, reply);
    setPageHeaders(reply);
    if (session.userId !== null) return reply.redirect('/', 303);
    return reply.send(signInPage({ csrfToken: session.csrfToken, returnTo: '/' }));
  });

  app.post('/login', async (request, reply) => {
    // Read before any await: a client that closes its socket early leaves no address to read later.
    const address = request.ip ?? 'unknown';
    const form = pageFormBody(request);
    const session = await sessions.load(request);
    checkCsrf(request, session, form.get('csrf_token') ?? undefined, issuer);
    const returnTo = safeReturnTo(form.get('return_to'), issuer);
    // The account choice of prompt=select_account: go on as the user signed in, no password
    // asked (the session already proves it); the proof tells /authorize the choice was made.
    if (form.get('account') === 'current') {
      const user = session?.sid ? await deps.interaction.signedInUser(session.userId) : undefined;
      if (!session?.sid || !user) return reply.redirect(returnTo, 303);
      return reply.redirect(deps.proofs.attach(returnTo, 'account-chosen', session.sid), 303);
    }
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const retry = async (status: number, error: string) => {
      setPageHeaders(reply, await continuedRedirectUri(returnTo));
      return reply.code(status).send(signInPage({ csrfToken: session?.csrfToken ?? '', returnTo, error, username }));
    };
    if (username === '' || password === '') return retry(400, 'Enter your username and password.');
    const result = await deps.signIn.signIn(username, password, address, { requestId: request.id, clientId: requestedClientId(returnTo) });
    switch (result.outcome) {
      case 'throttled':
        void reply.header('retry-after', String(Math.max(1, Math.ceil(result.retryAfterSeconds))));
        return retry(429, 'Too many failed attempts. Wait a few minutes, then try again.');
      case 'rejected':
        return retry(401, 'The username or password is incorrect.');
      case 'busy':
        void reply.header('retry-after', '1');
        return retry(503, 'The server is busy. Try again in a moment.');
      case 'signed-in': {
        const { session: signedIn, ended } = await sessions.signIn(request, reply, result.user.id);
        if (ended) deps.sessionReplaced(request, ended);
        // The new session's sid proves this sign-in to /authorize (prompt=login, max_age): without
        // it, a request that asks for a fresh sign-in would send the user back here in a loop.
        return reply.redirect(signedIn.sid === null ? returnTo : deps.proofs.attach(returnTo, 'signed-in', signedIn.sid), 303);
      }
    }
  });

  app.get('/', async (request, reply) => {
    const session = await sessions.loadOrStart(request, reply);
    const user = await deps.interaction.signedInUser(session.userId);
    setPageHeaders(reply);
    if (!user) return reply.send(signInPage({ csrfToken: session.csrfToken, returnTo: '/' }));
    return reply.redirect('/account', 303);
  });

  app.get('/logout', async (request, reply) => reply.redirect('/', 303));

  app.post('/logout', async (request, reply) => {
    const form = pageFormBody(request);
    checkCsrf(request, await sessions.load(request), form.get('csrf_token') ?? undefined, issuer);
    await deps.endSession(request, reply);
    setPageHeaders(reply);
    return reply.send(signedOutPage());
  });
}
