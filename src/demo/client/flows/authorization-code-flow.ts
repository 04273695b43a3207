import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html, type SafeHtml } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import type { Exchange } from '../exchange/exchange.js';
import { incomingRequest, redirectResponse } from '../exchange/incoming-request.js';
import {
  authorizationNavigation, authorizationRequest, callbackProblem, USER_AT_AUTH_SERVER_NOTES, type PendingAuthorization,
} from '../oauth/code-flow-steps.js';
import { recordedCall } from '../oauth/recorded-call.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage, scopeFields } from '../views/flow-page.js';
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallRoutes } from './resource-call-routes.js';
import { clientLane, expiryNote, tokenResponseNotes } from './step-notes.js';

interface CodeFlowState {
  run: FlowRun;
  pending?: PendingAuthorization;
  /** The validated callback parameters, until the code is redeemed (once). */
  callback?: URLSearchParams;
  codeVerifier?: string;
  accessToken?: string;
}

const SLOT = new SessionSlot<CodeFlowState>('authorization-code', () => ({ run: new FlowRun() }));
const PATH = '/authorization-code';

/** RFC 6749 §4.1 with PKCE, played by a confidential web client ("Photo Printer") with a server-side session. */
export function authorizationCodeRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('authorization-code');
  const client = PLAYGROUND_CLIENTS.authorizationCode;
  const oauthClient: oauth.Client = { client_id: client.clientId };
  const redirectUri = playgroundRedirectUris(ctx.urls).authorizationCode;

  /** The next thing the visitor can do, from what the Client holds. */
  function controlsFor(flow: CodeFlowState, csrf: string): SafeHtml {
    if (flow.callback) {
      return html`<p>The Client holds a one-time authorization code. Next, it redeems it at the token endpoint with its own credentials and the PKCE verifier.</p>
${actionForm(`${PATH}/token`, csrf, 'Run steps 5–6: exchange the code for a token')}`;
    }
    if (flow.accessToken) {
      const done = flow.run.has(8);
      return html`<p>${done ? 'The flow is complete. Call again, or start over.' : 'The Client has an access token for the Resource Server. Next, it calls the API with it.'} ${expiryNote(ctx.accessTokenTtl)}</p>
${actionForm(`${PATH}/resources`, csrf, done ? 'Call the Resource Server again (steps 7–8)' : 'Run steps 7–8: call the Resource Server')}`;
    }
    return html`<p>${flow.pending ? 'Waiting for your return from the Auth Server, or start again.' : 'Photo Printer wants to read your resources. Choose what to ask for, then start: the Client sends your browser to the Auth Server.'}</p>
${actionForm(`${PATH}/start`, csrf, 'Start: 1. I want to access my resources', { fields: scopeFields() })}`;
  }

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const csrf = session.csrfToken;
    const { run } = flow;
    const controls = controlsFor(flow, csrf);
    const reset = run.steps.size > 0 ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'web app'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['authorization_code'], redirectUri, scope: 'read write' },
    }));
  });

  app.post(`${PATH}/start`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.reset(SLOT);
    const incoming = incomingRequest(request, ctx.urls.client);
    try {
      const as = await ctx.authorizationServer.get();
      flow.pending = await authorizationRequest(as, {
        clientId: client.clientId, redirectUri, scope: scopesFrom(formOf(request)), resource: ctx.urls.resourceServer,
      });
    } catch (error) {
      flow.run.fail(`The Auth Server could not be reached: ${(error as Error).message}`);
      return reply.redirect(PATH, 303);
    }
    const exchange: Exchange = { vantage: 'client', request: incoming, response: redirectResponse(flow.pending.authorizationUrl), jwts: [] };
    flow.run.lightExchange(1, 2, exchange, 'done', {
      request: ['You asked the Client for your resources. It has no token yet, so it needs your permission first.'],
      response: [
        'The Client answers with a redirect: your browser goes to the Auth Server\'s authorization endpoint (RFC 6749 §4.1.1).',
        'Before that it made a random state and a PKCE code_verifier, and kept both in its session; the URL carries only the code_challenge, SHA-256 of the verifier.',
        'resource names the Resource Server, so the token will be good for that API only (RFC 8707).',
      ],
    });
    return reply.redirect(flow.pending.authorizationUrl, 303);
  });

  app.get(`${PATH}/callback`, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const pending = flow.pending;
    if (!pending) {
      flow.run.fail('This callback does not belong to a flow started here (or it was already used). Start again.');
      return reply.redirect(PATH, 303);
    }
    flow.run.beginAction();
    // The state is single-use: a second visit of this URL must not be accepted.
    flow.pending = undefined;
    flow.run.light(3, { exchange: authorizationNavigation(pending.authorizationUrl), part: 'request', state: 'done', notes: USER_AT_AUTH_SERVER_NOTES });
    const callbackExchange: Exchange = { vantage: 'client', request: incomingRequest(request, ctx.urls.client), jwts: [] };
    try {
      const as = await ctx.authorizationServer.get();
      flow.callback = oauth.validateAuthResponse(as, oauthClient, new URL(request.url, ctx.urls.client), pending.state);
      flow.codeVerifier = pending.codeVerifier;
      flow.run.light(4, {
        exchange: callbackExchange, part: 'request', state: 'done',
        notes: [
          'The Auth Server redirected your browser back to the Client\'s redirect_uri with a one-time code in the query.',
          'The Client checked that state is the one it sent (RFC 6749 §10.12) and that iss is its Auth Server (RFC 9207), with oauth4webapi.',
          'The code alone is useless: redeeming it takes the client secret and the PKCE verifier, which never left the Client.',
        ],
      });
    } catch (error) {
      flow.run.light(4, { exchange: callbackExchange, part: 'request', state: 'failed', notes: [] });
      flow.run.fail(callbackProblem(error));
    }
    // Off the callback URL: the code should not stay in the address bar or the history.
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/token`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { callback, codeVerifier } = flow;
    if (!callback || codeVerifier === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    // A code is redeemed once, whatever the outcome.
    flow.callback = undefined;
    const as = await ctx.authorizationServer.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, oauth.ClientSecretBasic(client.clientSecret),
        callback, redirectUri, codeVerifier, options);
      return oauth.processAuthorizationCodeResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange(5, 6, outcome.exchange, outcome.ok ? 'done' : 'failed', {
        request: [
          'A back-channel POST from the Client\'s server to the token endpoint: your browser is not involved, so the tokens never pass through it.',
          'The Client authenticates with HTTP Basic (client_secret_basic); the secret is masked here.',
          'code_verifier proves that this client is the one that started the flow (PKCE, RFC 7636 §4.5).',
        ],
        response: tokenResponseNotes(ctx.accessTokenTtl),
      });
    }
    recordTokens(session, ctx, 'authorization-code', client.clientId, outcome);
    if (outcome.ok) flow.accessToken = outcome.value.access_token;
    else flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: [7, 8], owner: 'user' });
}
