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
import { FlowRun } from './flow-run.js';
import { formOf, scopesFrom } from './form-input.js';
import { grantPage } from './grant-catalog.js';
import { resourceCallRoutes } from './resource-call-routes.js';
import { clientLane, expiryNote, tokenResponseNotes } from './step-notes.js';

interface PasswordFlowState {
  run: FlowRun;
  accessToken?: string;
}

const SLOT = new SessionSlot<PasswordFlowState>('password', () => ({ run: new FlowRun() }));
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
    const signIn = html`<p>Company Intranet asks for your username and password <strong>on its own page</strong>, then sends them to the Auth Server itself. That is what makes this grant dangerous.</p>
${actionForm(`${PATH}/start`, csrf, 'Run steps 1–3: sign in to the Client', {
    fields: html`<div class="field-row"><label>Username <input name="username" autocomplete="off" autocapitalize="none" spellcheck="false" required></label>
<label>Password <input name="password" type="password" autocomplete="off" required></label></div>${scopeFields()}`,
  })}`;
    const controls = accessToken === undefined
      ? signIn
      : html`<p>${run.has(5) ? 'The flow is complete. Call again, or start over.' : 'The Client has a token for you. Next, it calls the Resource Server.'} ${expiryNote(ctx.accessTokenTtl)}</p>
${actionForm(`${PATH}/resources`, csrf, run.has(5) ? 'Call the Resource Server again (steps 4–5)' : 'Run steps 4–5: call the Resource Server')}`;
    const reset = run.steps.size > 0 ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run, controls: html`${controls}${reset}`, clientLane: clientLane(ctx, 'web app'),
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
    flow.run.light(1, {
      exchange: { vantage: 'client', request: signIn, jwts: [] }, part: 'request', state: 'done',
      notes: ['Your browser posted your username and password to the Client, not to the Auth Server: the Client now knows your password.'],
    });
    const as = await ctx.authorizationServer.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      // oauth4webapi has no helper for this deprecated grant; its generic token request does the same job.
      const response = await oauth.genericTokenEndpointRequest(as, oauthClient, oauth.ClientSecretBasic(client.clientSecret), 'password',
        { username, password, scope: scopesFrom(form).join(' '), resource: ctx.urls.resourceServer }, options);
      return oauth.processGenericTokenEndpointResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange(2, 3, outcome.exchange, outcome.ok ? 'done' : 'failed', {
        request: [
          'The Client sends your username and password to the token endpoint, with its own credentials (Basic).',
          'Both the client secret and your password are masked here. A real client sees your password in clear.',
        ],
        response: tokenResponseNotes(ctx.accessTokenTtl, ['The Client must now forget your password (RFC 6749 §4.3.1); this one kept only the masked copy you see. You cannot check that a real one does.']),
      });
    }
    recordTokens(session, ctx, 'password', client.clientId, outcome);
    if (outcome.ok) flow.accessToken = outcome.value.access_token;
    else flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  resourceCallRoutes(app, ctx, { path: PATH, slot: SLOT, steps: [4, 5], owner: 'user' });
}
