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
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallRoutes } from './resource-call-routes.js';
import { clientLane, expiryNote, tokenResponseNotes } from './step-notes.js';

interface ClientCredentialsState {
  run: FlowRun;
  accessToken?: string;
  scope?: string;
}

const SLOT = new SessionSlot<ClientCredentialsState>('client-credentials', () => ({ run: new FlowRun() }));
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
      ? html`<p>Nightly Backup Service is a backend job with no user. You play the scheduler that wakes it up: it asks for a token with its own credentials.</p>
${actionForm(`${PATH}/token`, csrf, 'Run steps 1–2: get a token with the client\'s credentials', { fields: scopeFields() })}`
      : html`<p>${run.has(4) ? 'The flow is complete.' : 'The service has a token (scope ' + (scope ?? '') + '). Next, it calls the Resource Server.'} ${expiryNote(ctx.accessTokenTtl)}</p>
${actionForm(`${PATH}/resources`, csrf, run.has(4) ? 'Call the Resource Server again (steps 3–4)' : 'Run steps 3–4: call the Resource Server')}
${run.has(4) ? html`<div class="experiment"><p><strong>Beyond the diagram:</strong> add a resource with <code>POST /api/resources</code>. It needs scope <code>write</code>; without it the Resource Server answers <code>403 insufficient_scope</code> (RFC 6750 §3.1).</p>
${actionForm(`${PATH}/add`, csrf, 'Try: POST a new resource', { primary: false, fields: html`<label class="inline">title <input name="title" value="Backup report: today" maxlength="120"></label>` })}</div>` : ''}`;
    const reset = run.steps.size > 0 ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'backend service'),
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
      flow.run.lightExchange(1, 2, outcome.exchange, outcome.ok ? 'done' : 'failed', {
        request: ['The client authenticates with its own credentials (Basic); the secret is masked here. No user, no browser, no redirect.'],
        response: tokenResponseNotes(ctx.accessTokenTtl, ['No refresh token: the client can simply ask again (RFC 6749 §4.4.3).']),
      });
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
      flow.run.extras.push({
        title: `POST /api/resources with a token of scope "${flow.scope ?? ''}"`,
        exchange: outcome.exchange,
        notes: outcome.ok
          ? ['201 Created: the token has scope write. Call the Resource Server again to see the new resource.']
          : ['403 insufficient_scope: the token is valid but lacks write; WWW-Authenticate names the scope needed (RFC 6750 §3.1). A 401 would mean the token itself is bad.'],
      });
    }
    if (!outcome.ok && !outcome.exchange) flow.run.fail(outcome.problem);
    return reply.redirect(PATH, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: [3, 4], owner: 'client' });
}
