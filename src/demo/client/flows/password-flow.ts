import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS } from '../../demo-seed.js';
import type { ExchangeRequest } from '../exchange/exchange.js';
import { incomingRequest } from '../exchange/incoming-request.js';
import { recordedCall } from '../oauth/recorded-call.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage, scopeFields } from '../views/flow-page.js';
import { controlText } from '../content/flow-content.js';
import { PASSWORD_FLOW as FLOW } from '../content/password.js';
import { clientLane } from './client-lane.js';
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallControls, resourceCallRoutes } from './resource-call-routes.js';

type StepId = typeof FLOW.steps[number]['id'];

interface PasswordFlowState {
  run: FlowRun<StepId>;
  accessToken?: string;
}

const SLOT = new SessionSlot<PasswordFlowState>('password', () => ({ run: new FlowRun(FLOW) }));
const PATH = '/password';

/** RFC 6749 §4.3, played by "Company Intranet": the page where the visitor types a password into the client. */
export function passwordRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('password');
  const client = PLAYGROUND_CLIENTS.password;
  const oauthClient: oauth.Client = { client_id: client.clientId };

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const { run, accessToken } = session.get(SLOT);
    const csrf = session.csrfToken;
    const signIn = html`<p>${controlText(FLOW, 'intro')}</p>
${actionForm(`${PATH}/start`, csrf, controlText(FLOW, 'sign-in'), {
    fields: html`<div class="field-row"><label>Username <input name="username" autocomplete="off" autocapitalize="none" spellcheck="false" required></label>
<label>Password <input name="password" type="password" autocomplete="off" required></label></div>${scopeFields()}`,
  })}`;
    const controls = accessToken === undefined
      ? signIn
      : resourceCallControls({ flow: FLOW, path: PATH, csrf, run, accessToken, now: ctx.clock.nowSeconds() });
    const reset = run.steps.size > 0 && accessToken === undefined ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, now: ctx.clock.nowSeconds(), controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'web app'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['password'], scope: 'read write' },
    }));
  });

  app.post(`${PATH}/start`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.reset(SLOT);
    const form = formOf(request);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const signIn: ExchangeRequest = incomingRequest(request, ctx.urls.client);
    // The visitor's own request holds the password: only its masked form is kept.
    flow.run.light('give-credentials', { exchange: { vantage: 'client', request: signIn, jwts: [] }, part: 'request', state: 'done' });
    const as = await ctx.authorizationServer.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      // oauth4webapi has no helper for this deprecated grant; its generic token request does the same job.
      const response = await oauth.genericTokenEndpointRequest(as, oauthClient, oauth.ClientSecretBasic(client.clientSecret), 'password',
        { username, password, scope: scopesFrom(form).join(' '), resource: ctx.urls.resourceServer }, options);
      return oauth.processGenericTokenEndpointResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange('token-request', 'token-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    recordTokens(session, ctx, 'password', client.clientId, outcome);
    if (outcome.ok) flow.accessToken = outcome.value.access_token;
    else flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: ['resource-request', 'resource-response'] });
}
