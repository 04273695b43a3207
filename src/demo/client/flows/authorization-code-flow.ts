import { consentAgainHint } from '../views/consent-again.js';
import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html, type SafeHtml } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import type { Exchange } from '../exchange/exchange.js';
import { incomingRequest, redirectResponse } from '../exchange/incoming-request.js';
import { AUTHORIZATION_CODE_FLOW as FLOW } from '../content/authorization-code.js';
import { controlText, problemText } from '../content/flow-content.js';
import { FOREIGN_CALLBACK, isForeignCallbackReturn, authorizationNavigation, authorizationRequest, callbackProblem, failedCallbackRecord, type PendingAuthorization } from '../oauth/code-flow-steps.js';
import { recordedCall } from '../oauth/recorded-call.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage, scopeFields } from '../views/flow-page.js';
import { clientLane } from './client-lane.js';
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallControls, resourceCallRoutes } from './resource-call-routes.js';

type StepId = typeof FLOW.steps[number]['id'];

interface CodeFlowState {
  run: FlowRun<StepId>;
  pending?: PendingAuthorization;
  /** The validated callback parameters, until the code is redeemed (once). */
  callback?: URLSearchParams;
  codeVerifier?: string;
  accessToken?: string;
}

const SLOT = new SessionSlot<CodeFlowState>('authorization-code', () => ({ run: new FlowRun(FLOW) }));
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
      return html`<p>${controlText(FLOW, 'holds-code')}</p>
${actionForm(`${PATH}/token`, csrf, controlText(FLOW, 'redeem'))}`;
    }
    if (flow.accessToken) {
      return resourceCallControls({ flow: FLOW, path: PATH, csrf, run: flow.run, accessToken: flow.accessToken, now: ctx.clock.nowSeconds() });
    }
    return html`<p>${controlText(FLOW, flow.pending ? 'waiting' : 'intro')}</p>
${actionForm(`${PATH}/start`, csrf, controlText(FLOW, 'start'), { fields: scopeFields() })}
${consentAgainHint(ctx.urls.authorizationServer)}`;
  }

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    if (isForeignCallbackReturn(request)) flow.run.problem = problemText(FLOW, 'foreign-callback');
    const csrf = session.csrfToken;
    const { run } = flow;
    const controls = controlsFor(flow, csrf);
    const reset = run.steps.size > 0 && flow.accessToken === undefined ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, now: ctx.clock.nowSeconds(), controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'web app'),
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
      flow.run.fail(`${problemText(FLOW, 'unreachable')} ${(error as Error).message}`);
      return reply.redirect(PATH, 303);
    }
    const exchange: Exchange = { vantage: 'client', request: incoming, response: redirectResponse(flow.pending.authorizationUrl), jwts: [] };
    flow.run.lightExchange('ask-for-resources', 'redirect-to-auth-server', exchange, 'done');
    return reply.redirect(flow.pending.authorizationUrl, 303);
  });

  app.get(`${PATH}/callback`, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const pending = flow.pending;
    if (!pending) {
      // Said by the page from a fixed query value: a visitor without a stored session keeps nothing between requests.
      return reply.redirect(`${PATH}?${FOREIGN_CALLBACK}#run`, 303);
    }
    flow.run.beginAction();
    // The state is single-use: a second visit of this URL must not be accepted.
    flow.pending = undefined;
    flow.run.light('user-at-auth-server', { exchange: authorizationNavigation(pending.authorizationUrl), part: 'request', state: 'done' });
    const callbackExchange: Exchange = { vantage: 'client', request: incomingRequest(request, ctx.urls.client), jwts: [] };
    try {
      const as = await ctx.authorizationServer.get();
      flow.callback = oauth.validateAuthResponse(as, oauthClient, new URL(request.url, ctx.urls.client), pending.state);
      flow.codeVerifier = pending.codeVerifier;
      flow.run.light('callback-with-code', { exchange: callbackExchange, part: 'request', state: 'done' });
    } catch (error) {
      flow.run.light('callback-with-code', failedCallbackRecord(callbackExchange, error));
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
      flow.run.lightExchange('token-request', 'token-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    recordTokens(session, ctx, 'authorization-code', client.clientId, outcome);
    if (outcome.ok) flow.accessToken = outcome.value.access_token;
    else flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: ['resource-request', 'resource-response'] });
}
