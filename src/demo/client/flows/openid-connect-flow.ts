import { consentAgainHint } from '../views/consent-again.js';
import type { FastifyInstance } from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { html, type SafeHtml } from '../../../html/html.js';
import { backChannelLogoutPossible, PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import type { Exchange } from '../exchange/exchange.js';
import { incomingRequest, redirectResponse } from '../exchange/incoming-request.js';
import { FOREIGN_CALLBACK, isForeignCallbackReturn, authorizationNavigation, callbackProblem, failedCallbackRecord } from '../oauth/code-flow-steps.js';
import { recordedCall } from '../oauth/recorded-call.js';
import { recordTokens } from '../obtained-tokens.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { actionForm, flowPage } from '../views/flow-page.js';
import { idTokenClaimsTable, userInfoTable } from '../views/id-token-claims.js';
import { decodeJwt } from '../exchange/decode-jwt.js';
import { BackChannelLogouts } from '../oauth/backchannel-logouts.js';
import { controlText, problemText } from '../content/flow-content.js';
import { OPENID_CONNECT_FLOW as FLOW } from '../content/openid-connect.js';
import { tokenExpiry, tokenLifeView } from '../views/token-life.js';
import { clientLane } from './client-lane.js';
import { FlowRun } from './flow-run.js';
import { formOf } from './form-input.js';
import { grantPage } from './grant-catalog.js';

/** What the Client remembers between sending the browser to the Auth Server and its return. */
interface PendingSignIn {
  authorizationUrl: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

type StepId = typeof FLOW.steps[number]['id'];

interface OpenIdFlowState {
  run: FlowRun<StepId>;
  pending?: PendingSignIn;
  /** The validated callback, until its code is redeemed (once), with what redeeming it needs. */
  callback?: { params: URLSearchParams; codeVerifier: string; nonce: string };
  /** Signed in: the ID token (kept for the logout's id_token_hint), its validated claims, the access token. */
  idToken?: string;
  claims?: Record<string, unknown>;
  accessToken?: string;
  userInfo?: Record<string, unknown>;
  /** The session at the Auth Server (the ID token's sid), which a back-channel logout token names. */
  sid?: string;
  /** The state sent with the logout request, checked when the browser comes back. */
  logoutState?: string;
  signedOut?: boolean;
}

const SLOT = new SessionSlot<OpenIdFlowState>('openid-connect', () => ({ run: new FlowRun(FLOW) }));
const PATH = '/openid-connect';
const SCOPE = 'openid profile email';

/** The Auth Server's keys, fetched once per jwks_uri and cached by jose. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(jwksUri: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(jwksUri);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri));
    keySets.set(jwksUri, set);
  }
  return set;
}

/**
 * "Sign in with Tessera" (OpenID Connect Core 1.0, the authorization code flow with PKCE and a
 * nonce), played by a confidential web client ("Guestbook"): the ID token decoded claim by claim,
 * UserInfo, then RP-Initiated Logout back to this page.
 */
export function openIdConnectRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('openid-connect');
  const client = PLAYGROUND_CLIENTS.openIdConnect;
  const oauthClient: oauth.Client = { client_id: client.clientId };
  const redirects = playgroundRedirectUris(ctx.urls);
  const redirectUri = redirects.openIdConnect;
  const logouts = new BackChannelLogouts(client.clientId);

  // Back-Channel Logout 1.0 §2.5: the Auth Server POSTs a logout token here when a session the
  // Client signed in from ends; the Client validates it (§2.6) and ends its own session of that sid.
  app.post(`${PATH}/backchannel-logout`, async (request, reply) => {
    const token = formOf(request).get('logout_token');
    void reply.header('cache-control', 'no-store');
    if (token === null) return reply.code(400).send({ error: 'invalid_request' });
    const answer = { status: 200, statusText: 'OK', headers: [] };
    try {
      // Inside the try: the record reads headers anyone can send (a malformed Basic header).
      const received = incomingRequest(request, ctx.urls.client, 'server');
      const as = await ctx.openIdProvider.get();
      if (as.jwks_uri === undefined) throw new Error('no jwks_uri');
      await logouts.accept(token, as.issuer, as.jwks_uri, { vantage: 'client', request: received, response: answer, jwts: [decodeJwt(token, 'logout_token in the request')].filter((jwt) => jwt !== undefined) });
    } catch {
      return reply.code(400).send({ error: 'invalid_request' });
    }
    return reply.code(200).send();
  });

  function controlsFor(flow: OpenIdFlowState, csrf: string): SafeHtml {
    if (flow.callback) {
      return html`<p>${controlText(FLOW, 'holds-code')}</p>
${actionForm(`${PATH}/token`, csrf, controlText(FLOW, 'redeem'))}`;
    }
    if (flow.claims) {
      const claims = html`<h2 class="section-title">${controlText(FLOW, 'claims-title')}</h2>
<p class="fine">${controlText(FLOW, 'claims-checked')}</p>
${idTokenClaimsTable(flow.claims)}`;
      const userInfo = flow.userInfo
        ? html`<h2 class="section-title">${controlText(FLOW, 'userinfo-title')}</h2><p class="fine">${controlText(FLOW, 'userinfo-checked')}</p>${userInfoTable(flow.userInfo)}`
        : actionForm(`${PATH}/userinfo`, csrf, controlText(FLOW, 'userinfo'));
      const exp = tokenExpiry(flow.accessToken);
      const life = exp === undefined ? '' : tokenLifeView({
        exp, now: ctx.clock.nowSeconds(), expiredText: controlText(FLOW, 'token-expired'),
        offers: actionForm(`${PATH}/start`, csrf, controlText(FLOW, 'sign-in-again'), { primary: false }),
      });
      return html`<p>${controlText(FLOW, 'signed-in-as')} <strong class="signed-in-as">${String(flow.claims.sub)}</strong> (sub).</p>
${life}
${claims}
${userInfo}
${actionForm(`${PATH}/logout`, csrf, controlText(FLOW, 'sign-out'), { primary: flow.userInfo !== undefined })}`;
    }
    if (flow.signedOut) {
      return html`<p class="signed-out">${controlText(FLOW, 'signed-out')}</p>
${actionForm(`${PATH}/start`, csrf, controlText(FLOW, 'start-again'))}`;
    }
    return html`<p>${controlText(FLOW, flow.pending ? 'waiting' : 'intro')}</p>
${actionForm(`${PATH}/start`, csrf, controlText(FLOW, 'start'))}
${consentAgainHint(ctx.urls.authorizationServer)}`;
  }

  app.get(PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    if (isForeignCallbackReturn(request)) flow.run.problem = problemText(FLOW, 'foreign-callback');
    const csrf = session.csrfToken;
    const reset = flow.run.steps.size > 0 ? actionForm(`${PATH}/reset`, csrf, 'Start over', { primary: false }) : '';
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run: flow.run, now: ctx.clock.nowSeconds(), controls: html`${controlsFor(flow, csrf)}${reset}`, clientLane: clientLane(ctx, 'web app'),
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'confidential', grantTypes: ['authorization_code'], redirectUri, scope: SCOPE },
      extras: { title: 'Beyond the diagram', placement: 'after-steps' },
    }));
  });

  app.post(`${PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(SLOT);
    return reply.redirect(PATH, 303);
  });

  app.post(`${PATH}/start`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.reset(SLOT);
    const incoming = incomingRequest(request, ctx.urls.client);
    let as: oauth.AuthorizationServer;
    try {
      as = await ctx.openIdProvider.get();
    } catch (error) {
      flow.run.fail(`The Auth Server could not be reached: ${(error as Error).message}`);
      return reply.redirect(PATH, 303);
    }
    if (as.authorization_endpoint === undefined) {
      flow.run.fail('The Auth Server\'s OpenID configuration has no authorization_endpoint.');
      return reply.redirect(PATH, 303);
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', SCOPE);
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    flow.pending = { authorizationUrl: url.href, state, nonce, codeVerifier };
    const exchange: Exchange = { vantage: 'client', request: incoming, response: redirectResponse(url.href), jwts: [] };
    flow.run.lightExchange('ask-to-sign-in', 'redirect-to-auth-server', exchange, 'done');
    return reply.redirect(url.href, 303);
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
    flow.pending = undefined;
    flow.run.light('user-at-auth-server', { exchange: authorizationNavigation(pending.authorizationUrl), part: 'request', state: 'done' });
    const callbackExchange: Exchange = { vantage: 'client', request: incomingRequest(request, ctx.urls.client), jwts: [] };
    try {
      const as = await ctx.openIdProvider.get();
      const params = oauth.validateAuthResponse(as, oauthClient, new URL(request.url, ctx.urls.client), pending.state);
      flow.callback = { params, codeVerifier: pending.codeVerifier, nonce: pending.nonce };
      flow.run.light('callback-with-code', { exchange: callbackExchange, part: 'request', state: 'done' });
    } catch (error) {
      flow.run.light('callback-with-code', failedCallbackRecord(callbackExchange, error));
      flow.run.fail(callbackProblem(error));
    }
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/token`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { callback } = flow;
    if (!callback) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    flow.callback = undefined;
    const as = await ctx.openIdProvider.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, oauth.ClientSecretBasic(client.clientSecret),
        callback.params, redirectUri, callback.codeVerifier, options);
      // Core §3.1.3.7: iss, aud, exp, iat, and the nonce of this request (oauth4webapi checks them).
      return oauth.processAuthorizationCodeResponse(as, oauthClient, response, { expectedNonce: callback.nonce, requireIdToken: true });
    });
    if (outcome.exchange) {
      flow.run.lightExchange('token-request', 'token-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    if (!outcome.ok) {
      flow.run.fail(outcome.problem);
      return reply.redirect(`${PATH}#run`, 303);
    }
    const idToken = outcome.value.id_token;
    const claims = oauth.getValidatedIdTokenClaims(outcome.value);
    if (idToken === undefined || claims === undefined || as.jwks_uri === undefined) {
      flow.run.fail(problemText(FLOW, 'no-id-token'));
      return reply.redirect(`${PATH}#run`, 303);
    }
    try {
      // Not required for a token straight from the token endpoint over TLS (Core §3.1.3.7 item 6), but cheap.
      await jwtVerify(idToken, keySet(as.jwks_uri), { issuer: as.issuer, audience: client.clientId });
    } catch (error) {
      flow.run.fail(`The ID token's signature did not verify: ${(error as Error).message}`);
      return reply.redirect(`${PATH}#run`, 303);
    }
    flow.idToken = idToken;
    flow.claims = { ...claims };
    flow.sid = typeof claims.sid === 'string' ? claims.sid : undefined;
    recordTokens(session, ctx, 'openid-connect', client.clientId, outcome);
    flow.accessToken = outcome.value.access_token;
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/userinfo`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { accessToken, claims } = flow;
    if (accessToken === undefined || claims === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const as = await ctx.openIdProvider.get();
    const outcome = await recordedCall(ctx.allowHttp, async (options) => {
      const response = await oauth.userInfoRequest(as, oauthClient, accessToken, options);
      // Core §5.3.2: the sub of UserInfo MUST equal the ID token's, or the answer is not used.
      return oauth.processUserInfoResponse(as, oauthClient, String(claims.sub), response);
    });
    if (outcome.exchange) {
      flow.run.lightExchange('userinfo-request', 'userinfo-response', outcome.exchange, outcome.ok ? 'done' : 'failed');
    }
    if (outcome.ok) flow.userInfo = { ...outcome.value };
    else flow.run.fail(outcome.problem);
    return reply.redirect(`${PATH}#run`, 303);
  });

  app.post(`${PATH}/logout`, async (request, reply) => {
    const session = ctx.sessions.forForm(request, reply);
    const flow = session.get(SLOT);
    const { idToken } = flow;
    if (idToken === undefined) return reply.redirect(PATH, 303);
    flow.run.beginAction();
    const as = await ctx.openIdProvider.get();
    if (as.end_session_endpoint === undefined) {
      flow.run.fail(problemText(FLOW, 'no-end-session'));
      return reply.redirect(`${PATH}#run`, 303);
    }
    const state = oauth.generateRandomState();
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', redirects.openIdConnectLoggedOut);
    url.searchParams.set('state', state);
    flow.logoutState = state;
    // The Client forgets you first: whatever happens at the Auth Server, you are signed out here.
    flow.idToken = undefined;
    flow.claims = undefined;
    flow.accessToken = undefined;
    flow.userInfo = undefined;
    const exchange: Exchange = { vantage: 'client', request: incomingRequest(request, ctx.urls.client), response: redirectResponse(url.href), jwts: [] };
    flow.run.lightExchange('ask-to-sign-out', 'redirect-to-end-session', exchange, 'done');
    return reply.redirect(url.href, 303);
  });

  app.get(`${PATH}/logged-out`, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const flow = session.get(SLOT);
    const expected = flow.logoutState;
    flow.logoutState = undefined;
    const returned = new URL(request.url, ctx.urls.client).searchParams.get('state');
    const ok = expected !== undefined && returned === expected;
    flow.run.light('logged-out-return', { exchange: { vantage: 'client', request: incomingRequest(request, ctx.urls.client), jwts: [] }, part: 'request', state: ok ? 'done' : 'failed', ...(ok ? {} : { rejectedByClient: true }) });
    if (ok) flow.signedOut = true;
    else flow.run.fail(problemText(FLOW, 'foreign-logout'));
    // The logout token is sent in the background: it may arrive just after the browser.
    const logout = ok && flow.sid !== undefined && backChannelLogoutPossible(ctx.urls) ? await logouts.waitFor(flow.sid, 2_000) : undefined;
    flow.sid = undefined;
    if (logout) {
      flow.run.addExtra('back-channel-logout', logout.exchange);
    }
    return reply.redirect(`${PATH}#run`, 303);
  });
}
