import { consentAgainHint } from '../views/consent-again.js';
import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html, type SafeHtml } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import {
  authorizationNavigation, authorizationRequest, callbackProblem, type PendingAuthorization,
} from '../oauth/code-flow-steps.js';
import { recordedCall, type RecordedOutcome } from '../oauth/recorded-call.js';
import { listResources } from '../oauth/resource-server-calls.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage } from '../views/flow-page.js';
import { controlText, problemText } from '../content/flow-content.js';
import { REFRESH_TOKEN_FLOW as FLOW } from '../content/refresh-token.js';
import { tokenExpiry, tokenLifeView } from '../views/token-life.js';
import { clientLane } from './client-lane.js';
import { FlowRun } from './flow-run.js';
import { grantPage } from './grant-catalog.js';

type StepId = typeof FLOW.steps[number]['id'];

interface RefreshFlowState {
  run: FlowRun<StepId>;
  pending?: PendingAuthorization;
  accessToken?: string;
  refreshToken?: string;
  /** When the access token expires: its exp claim (RFC 7519 §4.1.4), else receipt time plus expires_in (RFC 6749 §5.1). */
  expiresAt?: number;
}

const SLOT = new SessionSlot<RefreshFlowState>('refresh-token', () => ({ run: new FlowRun(FLOW) }));
const PATH = '/refresh-token';

/** True when the Resource Server refused the token as RFC 6750 §3.1 says an expired one must be: 401 invalid_token. */
function refusedAsInvalidToken(outcome: RecordedOutcome<unknown>): boolean {
  if (outcome.ok || !(outcome.error instanceof oauth.WWWAuthenticateChallengeError)) return false;
  return outcome.error.status === 401 && outcome.error.cause.some((challenge) => challenge.parameters.error === 'invalid_token');
}

/**
 * RFC 6749 §6 as a story, played by "Photo Frame", a confidential client that keeps access while
 * the user is away. Its access token expires for real (the demo's tokens are short-lived); the
 * page waits for that, then calls, refreshes and retries.
 */
export function refreshTokenRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('refresh-token');
  const client = PLAYGROUND_CLIENTS.refreshToken;
  const oauthClient: oauth.Client = { client_id: client.clientId };
  const clientAuth = oauth.ClientSecretBasic(client.clientSecret);
  const redirectUri = playgroundRedirectUris(ctx.urls).refreshToken;

  function controlsFor(flow: RefreshFlowState, csrf: string): SafeHtml {
    const { run } = flow;
    if (flow.accessToken === undefined || flow.expiresAt === undefined) {
      return html`<p>${controlText(FLOW, 'intro')}</p>
${actionForm(`${PATH}/login`, csrf, controlText(FLOW, 'login'))}
${consentAgainHint(ctx.urls.authorizationServer)}`;
    }
    const now = ctx.clock.nowSeconds();
    if (!run.has('expired-response')) {
      // While the token lives: the optional 200 first, and the story's call waiting. At exp (by the
      // server's clock here, by the countdown in the browser) the still-valid call goes and step 1 wakes.
      const valid = flow.expiresAt > now;
      return html`${valid ? html`<div data-hide-at-zero><p>${controlText(FLOW, 'call-valid-note')}</p>
${actionForm(`${PATH}/call-valid`, csrf, controlText(FLOW, 'call-valid'), { primary: false })}
<p>${controlText(FLOW, 'waiting')}</p></div>` : ''}
${tokenLifeView({ exp: flow.expiresAt, now, offers: html``, expiredText: controlText(FLOW, 'expired-now') })}
${actionForm(`${PATH}/call`, csrf, controlText(FLOW, 'call-expired'), { disabled: valid, extraAttributes: html` data-enable-at-zero` })}`;
    }
    if (!run.has('refresh-response')) {
      return html`<p>${controlText(FLOW, 'refused')}</p>
${actionForm(`${PATH}/refresh`, csrf, controlText(FLOW, 'refresh'))}`;
    }
    if (!run.has('retry-response')) {
      return html`<p>${controlText(FLOW, 'refreshed')}</p>
${tokenLifeView({ exp: flow.expiresAt, now, expiredText: controlText(FLOW, 'again-expired'), offers: actionForm(`${PATH}/again`, csrf, controlText(FLOW, 'again'), { primary: false }) })}
${actionForm(`${PATH}/retry`, csrf, controlText(FLOW, 'retry'))}`;
    }
    return html`<p>${controlText(FLOW, 'complete')}</p>
${tokenLifeView({
    exp: flow.expiresAt, now, expiredText: controlText(FLOW, 'again-expired'),
    offers: actionForm(`${PATH}/again`, csrf, controlText(FLOW, 'again')),
  })}`;
  }

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const csrf = session.csrfToken;
    const reset = flow.run.steps.size > 0 || flow.run.extras.length > 0 || flow.run.problem
      ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run: flow.run, now: ctx.clock.nowSeconds(), controls: html`${controlsFor(flow, csrf)}${reset}`, clientLane: clientLane(ctx, 'web app'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['authorization_code', 'refresh_token'], redirectUri, scope: 'read write' },
      extras: { title: 'Before the story: the initial user login, and a call while the token is valid', placement: 'before-diagram' },
    }));
  });

  app.post(`${PATH}/login`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.reset(SLOT);
    const as = await ctx.authorizationServer.get();
    flow.pending = await authorizationRequest(as, { clientId: client.clientId, redirectUri, scope: ['read'], resource: ctx.urls.resourceServer });
    return reply.redirect(flow.pending.authorizationUrl, 303);
  });

  app.get(`${PATH}/callback`, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const pending = flow.pending;
    if (!pending) return reply.redirect(PATH, 303);
    flow.pending = undefined;
    flow.run.beginAction();
    flow.run.addExtra('authorization-request', authorizationNavigation(pending.authorizationUrl));
    const as = await ctx.authorizationServer.get();
    let callback: URLSearchParams;
    try {
      callback = oauth.validateAuthResponse(as, oauthClient, new URL(request.url, ctx.urls.client), pending.state);
    } catch (error) {
      flow.run.fail(callbackProblem(error));
      return reply.redirect(PATH, 303);
    }
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, clientAuth, callback, redirectUri, pending.codeVerifier, options);
      return oauth.processAuthorizationCodeResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.addExtra('code-redeemed', outcome.exchange);
    }
    recordTokens(session, ctx, 'refresh-token', client.clientId, outcome);
    if (outcome.ok) {
      flow.accessToken = outcome.value.access_token;
      flow.refreshToken = outcome.value.refresh_token;
      flow.expiresAt = tokenExpiry(outcome.value.access_token) ?? ctx.clock.nowSeconds() + (outcome.value.expires_in ?? ctx.refreshPageAccessTokenTtl);
    } else {
      flow.run.fail(outcome.problem);
    }
    return reply.redirect(PATH, 303);
  });

  /** Step 1 of the story: the call with the expired access token, and the Resource Server's answer. */
  async function callWithExpiredToken(run: FlowRun<StepId>, accessToken: string, expiresAt: number): Promise<void> {
    const secondsLeft = expiresAt - ctx.clock.nowSeconds();
    const outcome = await listResources(ctx.urls.resourceServer, accessToken, ctx.allowHttp);
    const asExpected = refusedAsInvalidToken(outcome);
    if (outcome.exchange) {
      run.lightExchange('expired-request', 'expired-response', outcome.exchange, asExpected ? 'done' : 'failed', {
        request: [`By its exp claim, it expired ${-secondsLeft} s ago.`],
      });
    }
    if (!asExpected) run.fail(outcome.ok ? problemText(FLOW, 'still-accepted') : outcome.problem);
  }

  app.post(`${PATH}/call`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { accessToken, expiresAt } = flow;
    if (accessToken === undefined || expiresAt === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const secondsLeft = expiresAt - ctx.clock.nowSeconds();
    if (secondsLeft > 0) {
      flow.run.fail(`${problemText(FLOW, 'still-valid')} (${secondsLeft} s left)`);
      return reply.redirect(PATH, 303);
    }
    await callWithExpiredToken(flow.run, accessToken, expiresAt);
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/refresh`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const refreshToken = flow.refreshToken;
    if (refreshToken === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const as = await ctx.authorizationServer.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.refreshTokenGrantRequest(as, oauthClient, clientAuth, refreshToken, options);
      return oauth.processRefreshTokenResponse(as, oauthClient, response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange('refresh-request', 'refresh-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    recordTokens(session, ctx, 'refresh-token', client.clientId, outcome);
    if (outcome.ok) {
      flow.accessToken = outcome.value.access_token;
      flow.refreshToken = outcome.value.refresh_token ?? refreshToken;
      flow.expiresAt = tokenExpiry(outcome.value.access_token) ?? ctx.clock.nowSeconds() + (outcome.value.expires_in ?? ctx.refreshPageAccessTokenTtl);
    } else {
      flow.run.fail(outcome.problem);
    }
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/retry`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    if (flow.accessToken === undefined || !flow.run.has('refresh-response')) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const outcome = await listResources(ctx.urls.resourceServer, flow.accessToken, ctx.allowHttp);
    if (outcome.exchange) flow.run.lightExchange('retry-request', 'retry-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    if (!outcome.ok) flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  // Before the story: the token still valid, the Resource Server serves it (the 200 the story later loses).
  app.post(`${PATH}/call-valid`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { accessToken, expiresAt } = flow;
    if (accessToken === undefined || expiresAt === undefined || flow.run.has('expired-request')) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    // The page offered this call while the token lived; if it has expired since, the call is
    // step 1 of the story, and is shown as that, not as a call "while the token is valid".
    if (expiresAt <= ctx.clock.nowSeconds()) {
      await callWithExpiredToken(flow.run, accessToken, expiresAt);
      return reply.redirect(`${PATH}#run`, 303);
    }
    const outcome = await listResources(ctx.urls.resourceServer, accessToken, ctx.allowHttp);
    if (outcome.exchange) {
      flow.run.addExtra('valid-call', outcome.exchange);
    }
    if (!outcome.ok) flow.run.fail(outcome.problem);
    return reply.redirect(PATH, 303);
  });

  // Every time an access token expires, the Client runs the story again with the tokens it holds.
  app.post(`${PATH}/again`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    if (flow.accessToken === undefined || flow.refreshToken === undefined) return reply.redirect(PATH, 303);
    const extras = flow.run.extras;
    flow.run = new FlowRun(FLOW);
    flow.run.extras.push(...extras);
    return reply.redirect(PATH, 303);
  });

  app.post(`${PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(SLOT);
    return reply.redirect(PATH, 303);
  });
}
