import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { authorizationNavigation, callbackProblem } from '../oauth/code-flow-steps.js';
import { USER_AT_AUTH_SERVER_NOTES } from '../content/shared-copy.js';
import { recordedCall } from '../oauth/recorded-call.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot, type PlaygroundSession } from '../playground-sessions.js';
import type { ExtraExchange } from './flow-run.js';
import { REGISTRATION_PATH } from './registration-content.js';

/** What the Client remembers between sending the browser away and its return. */
interface PendingSignIn {
  state: string;
  codeVerifier: string;
  authorizationUrl: string;
}

const PENDING = new SessionSlot<{ pending?: PendingSignIn }>('metadata-document-sign-in', () => ({}));

/**
 * A real sign-in with the playground's metadata document as the client, when the Auth Server
 * accepts such documents (--client-id-metadata-documents on, and --cimd-allow-private-hosts for the
 * demo's http URL): the authorization code flow of a public client (PKCE S256, no secret: the
 * draft allows none, §4.1), whose client_id is the document's URL. The exchanges go to the
 * registration page through `show`.
 */
export function metadataDocumentSignInRoutes(
  app: FastifyInstance, ctx: PlaygroundContext, client: { clientId: string; redirectUri: string },
  show: (session: PlaygroundSession, extra: ExtraExchange | { problem: string }) => void,
): void {
  const oauthClient: oauth.Client = { client_id: client.clientId, token_endpoint_auth_method: 'none' };

  app.post(`${REGISTRATION_PATH}/document-sign-in`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const as = await ctx.authorizationServer.get();
    if (as.authorization_endpoint === undefined) return reply.redirect(REGISTRATION_PATH, 303);
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('redirect_uri', client.redirectUri);
    // No resource: a metadata-document client names no API, so its token is for the default audience, the demo API;
    // `read` is its scope, which tessera demo adds to the self-service scope (cli/demo.ts).
    url.searchParams.set('scope', 'read');
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    session.get(PENDING).pending = { state, codeVerifier, authorizationUrl: url.href };
    return reply.redirect(url.href, 303);
  });

  app.get(`${REGISTRATION_PATH}/callback`, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const slot = session.get(PENDING);
    const pending = slot.pending;
    if (!pending) return reply.redirect(REGISTRATION_PATH, 303);
    slot.pending = undefined;
    show(session, { title: 'Your browser at the Auth Server, with the document\'s URL as client_id', exchange: authorizationNavigation(pending.authorizationUrl), notes: [...USER_AT_AUTH_SERVER_NOTES, 'Its consent page, when it shows one, names the client from its document and says it is not verified: its identity is only its host\'s word.'] });
    const as = await ctx.authorizationServer.get();
    let callback: URLSearchParams;
    try {
      callback = oauth.validateAuthResponse(as, oauthClient, new URL(request.url, ctx.urls.client), pending.state);
    } catch (error) {
      show(session, { problem: callbackProblem(error) });
      return reply.redirect(`${REGISTRATION_PATH}#exchanges`, 303);
    }
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, oauth.None(), callback, client.redirectUri, pending.codeVerifier, options);
      return oauth.processAuthorizationCodeResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      show(session, {
        title: 'The code redeemed by the metadata-document client (POST /token)', exchange: outcome.exchange,
        notes: ['A public client: client_id (the document\'s URL) and the PKCE code_verifier, no secret. The access token\'s client_id is the URL too.'],
      });
    }
    if (!outcome.ok) show(session, { problem: outcome.problem });
    return reply.redirect(`${REGISTRATION_PATH}#exchanges`, 303);
  });
}
