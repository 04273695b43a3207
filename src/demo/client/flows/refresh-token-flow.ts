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
import { FlowRun } from './flow-run.js';
import { grantPage } from './grant-catalog.js';
import { clientLane, resourceServerNotes, tokenResponseNotes } from './step-notes.js';

interface RefreshFlowState {
  run: FlowRun;
  pending?: PendingAuthorization;
  accessToken?: string;
  refreshToken?: string;
  /** When the access token expires by the client's clock: receipt time plus expires_in (RFC 6749 §5.1). */
  expiresAt?: number;
}

const SLOT = new SessionSlot<RefreshFlowState>('refresh-token', () => ({ run: new FlowRun() }));
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
      return html`<p>The story starts after an <em>initial user login</em>. Photo Frame signs you in with the authorization code grant (with PKCE, as on the first page) and receives an access token, valid ${ctx.refreshPageAccessTokenTtl} s, and a refresh token.</p>
${actionForm(`${PATH}/login`, csrf, 'Before the story: sign in to get the tokens')}`;
    }
    if (!run.has(2)) {
      const secondsLeft = Math.max(0, flow.expiresAt - ctx.clock.nowSeconds());
      return html`<p class="countdown" data-seconds-left="${secondsLeft}">${secondsLeft > 0
        ? html`The access token expires in <strong data-countdown>${secondsLeft}</strong> s. The story needs it expired: wait, and the button below wakes up.`
        : html`The access token has expired. Call the Resource Server with it.`}</p>
${actionForm(`${PATH}/call`, csrf, 'Run steps 1–2: call the Resource Server with the expired token', {
    disabled: secondsLeft > 0, extraAttributes: html` data-enable-at-zero`,
  })}`;
    }
    if (!run.has(4)) {
      return html`<p>The Resource Server said the token is invalid. The Client does not ask you to sign in again: it uses its refresh token.</p>
${actionForm(`${PATH}/refresh`, csrf, 'Run steps 3–4: refresh the access token')}`;
    }
    if (!run.has(6)) {
      return html`<p>The Client has a new access token. It retries the call that failed.</p>
${actionForm(`${PATH}/retry`, csrf, 'Run steps 5–6: retry with the new token')}`;
    }
    return html`<p>The whole story ran: expired, refused, refreshed, retried, served. Start over to watch it again.</p>`;
  }

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const csrf = session.csrfToken;
    const reset = flow.run.steps.size > 0 || flow.run.extras.length > 0 || flow.run.problem
      ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run: flow.run, controls: html`${controlsFor(flow, csrf)}${reset}`, clientLane: clientLane(ctx, 'web app'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['authorization_code', 'refresh_token'], redirectUri, scope: 'read write' },
      extras: { title: 'Before the story: the initial user login', placement: 'before-diagram' },
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
    flow.run.extras.push({
      title: 'The authorization request: your browser at the Auth Server',
      exchange: authorizationNavigation(pending.authorizationUrl),
      notes: ['As on the Authorization Code page: you signed in and consented at the Auth Server, which sent your browser back with a code.'],
    });
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
      flow.run.extras.push({
        title: 'The code redeemed for an access token and a refresh token',
        exchange: outcome.exchange,
        notes: tokenResponseNotes(ctx.refreshPageAccessTokenTtl, ['refresh_token: issued because this client is registered for the refresh_token grant. The Client keeps it on its server.']),
      });
    }
    recordTokens(session, ctx, 'refresh-token', client.clientId, outcome);
    if (outcome.ok) {
      flow.accessToken = outcome.value.access_token;
      flow.refreshToken = outcome.value.refresh_token;
      flow.expiresAt = ctx.clock.nowSeconds() + (outcome.value.expires_in ?? ctx.refreshPageAccessTokenTtl);
    } else {
      flow.run.fail(outcome.problem);
    }
    return reply.redirect(PATH, 303);
  });

  app.post(`${PATH}/call`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    if (flow.accessToken === undefined || flow.expiresAt === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const secondsLeft = flow.expiresAt - ctx.clock.nowSeconds();
    if (secondsLeft > 0) {
      flow.run.fail(`The access token is still valid for ${secondsLeft} s: the Resource Server would accept it. Wait until it expires.`);
      return reply.redirect(PATH, 303);
    }
    const outcome = await listResources(ctx.urls.resourceServer, flow.accessToken, ctx.allowHttp);
    const asExpected = refusedAsInvalidToken(outcome);
    if (outcome.exchange) {
      flow.run.lightExchange(1, 2, outcome.exchange, asExpected ? 'done' : 'failed', {
        request: [`The Client still holds the access token of the initial login; it expired ${-secondsLeft} s ago.`],
        response: [
          '401 with WWW-Authenticate: Bearer error="invalid_token": RFC 6750 §3.1 for an expired token. (The tutorial says 403; that status is for a valid token that lacks a scope.)',
          'oauth4webapi hands the client the parsed challenge, so it knows to refresh rather than to give up.',
        ],
      });
    }
    if (!asExpected) flow.run.fail(outcome.ok ? 'The Resource Server still accepted the token.' : outcome.problem);
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
      flow.run.lightExchange(3, 4, outcome.exchange, outcome.ok ? 'done' : 'failed', {
        request: ['grant_type=refresh_token with the refresh token; the client authenticates too, so a stolen refresh token alone is not enough (RFC 6749 §6).'],
        response: tokenResponseNotes(ctx.refreshPageAccessTokenTtl, [
          'A new refresh token too: Tessera rotates them. The one just used is retired; if it were ever presented again, every token of this grant would be revoked (RFC 9700 §4.14.2).',
        ]),
      });
    }
    recordTokens(session, ctx, 'refresh-token', client.clientId, outcome);
    if (outcome.ok) {
      flow.accessToken = outcome.value.access_token;
      flow.refreshToken = outcome.value.refresh_token ?? refreshToken;
      flow.expiresAt = ctx.clock.nowSeconds() + (outcome.value.expires_in ?? ctx.refreshPageAccessTokenTtl);
    } else {
      flow.run.fail(outcome.problem);
    }
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/retry`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    if (flow.accessToken === undefined || !flow.run.has(4)) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const outcome = await listResources(ctx.urls.resourceServer, flow.accessToken, ctx.allowHttp);
    if (outcome.exchange) flow.run.lightExchange(5, 6, outcome.exchange, outcome.ok ? 'done' : 'failed', resourceServerNotes('user'));
    if (!outcome.ok) flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(SLOT);
    return reply.redirect(PATH, 303);
  });
}
