import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS } from '../../demo-seed.js';
import { recordedCall } from '../oauth/recorded-call.js';
import { addResource } from '../oauth/resource-server-calls.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage, scopeFields } from '../views/flow-page.js';
import { CLIENT_CREDENTIALS_FLOW as FLOW } from '../content/client-credentials.js';
import { controlText } from '../content/flow-content.js';
import { clientLane } from './client-lane.js';
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallControls, resourceCallRoutes } from './resource-call-routes.js';

type StepId = typeof FLOW.steps[number]['id'];

interface ClientCredentialsState {
  run: FlowRun<StepId>;
  accessToken?: string;
  scope?: string;
}

const SLOT = new SessionSlot<ClientCredentialsState>('client-credentials', () => ({ run: new FlowRun(FLOW) }));
const PATH = '/client-credentials';

/** RFC 6749 §4.4, played by "Nightly Backup Service": the visitor is only the scheduler that wakes it. */
export function clientCredentialsRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('client-credentials');
  const client = PLAYGROUND_CLIENTS.clientCredentials;
  const oauthClient: oauth.Client = { client_id: client.clientId };

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const { run, accessToken, scope } = session.get(SLOT);
    const csrf = session.csrfToken;
    const controls = accessToken === undefined
      ? html`<p>${controlText(FLOW, 'intro')}</p>
${actionForm(`${PATH}/token`, csrf, controlText(FLOW, 'get-token'), { fields: scopeFields() })}`
      : html`${resourceCallControls({ flow: FLOW, path: PATH, csrf, run, accessToken, now: ctx.clock.nowSeconds(), detail: html` The token's scope: <code>${scope ?? ''}</code>.` })}
${run.steps.get('resource-response')?.state === 'done' ? html`<div class="experiment"><p><strong>Beyond the diagram:</strong> add a resource with <code>POST /api/resources</code>. It needs scope <code>write</code>; without it the Resource Server answers <code>403 insufficient_scope</code> (RFC 6750 §3.1).</p>
${actionForm(`${PATH}/add`, csrf, controlText(FLOW, 'add-resource'), { primary: false, fields: html`<label class="inline">title <input name="title" value="Backup report: today" maxlength="120"></label>` })}</div>` : ''}`;
    const reset = run.steps.size > 0 && accessToken === undefined ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, now: ctx.clock.nowSeconds(), controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'backend service'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['client_credentials'], scope: 'read write' },
      extras: { title: 'Beyond the diagram', placement: 'after-steps' },
    }));
  });

  app.post(`${PATH}/token`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.reset(SLOT);
    const scope = scopesFrom(formOf(request)).join(' ');
    const as = await ctx.authorizationServer.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.clientCredentialsGrantRequest(as, oauthClient, oauth.ClientSecretBasic(client.clientSecret),
        { scope, resource: ctx.urls.resourceServer }, options);
      return oauth.processClientCredentialsResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange('token-request', 'token-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    recordTokens(session, ctx, 'client-credentials', client.clientId, outcome);
    if (outcome.ok) {
      flow.accessToken = outcome.value.access_token;
      flow.scope = outcome.value.scope ?? scope;
    } else {
      flow.run.fail(outcome.problem);
    }
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/add`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    if (flow.accessToken === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const title = formOf(request).get('title') ?? '';
    const outcome = await addResource(ctx.urls.resourceServer, flow.accessToken, title, ctx.allowHttp);
    if (outcome.exchange) {
      flow.run.addExtra(outcome.ok ? 'resource-added' : 'resource-refused', outcome.exchange, ` with a token of scope "${flow.scope ?? ''}"`);
    }
    if (!outcome.ok && !outcome.exchange) flow.run.fail(outcome.problem);
    return reply.redirect(PATH, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: ['resource-request', 'resource-response'] });
}
