import type { FastifyInstance, FastifyReply } from 'fastify';
import * as oauth from 'oauth4webapi';
import type { Exchange } from '../exchange/exchange.js';
import { incomingRequest } from '../exchange/incoming-request.js';
import { authorizationNavigation, authorizationRequest } from '../oauth/code-flow-steps.js';
import { describeOAuthError } from '../oauth/recorded-call.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { tokenForAnotherResource } from './audience.js';
import { BREAK_IT_PATH, breakItPage } from './break-it-page.js';
import { replayedCode } from './code-replay.js';
import { ExperimentResult, type ExperimentId, type SignInExperimentId } from './experiment.js';
import { callWithExpiringToken, shortLivedToken, underScoped } from './expiry-and-scope.js';
import { LabClients } from './lab-client.js';
import { BREAK_IT_SLOT, type CallbackInput } from './lab-session.js';
import { missingVerifier } from './missing-verifier.js';
import { tamperedRedirectUri } from './redirect-uri-tampering.js';
import { replayedRefreshToken } from './refresh-replay.js';
import { wrongState } from './wrong-state.js';

const SIGN_IN_EXPERIMENTS: readonly SignInExperimentId[] = ['code-replay', 'wrong-state', 'missing-verifier', 'refresh-replay'];

/**
 * The Break it page (issue 15 §4): experiments that run real traffic against the demo's Auth
 * Server and Resource Server and show which defence stopped them. POST actions check the
 * playground session's CSRF token; each result is kept in the visitor's session until replaced.
 */
export function breakItRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const lab = new LabClients(ctx);
  const back = (reply: FastifyReply, id: ExperimentId) => reply.redirect(`${BREAK_IT_PATH}#${id}`, 303);

  /** Runs an experiment; a server that cannot be reached is the result's problem, not a 500. */
  async function attempt(run: () => Promise<ExperimentResult>): Promise<ExperimentResult> {
    try {
      return await run();
    } catch (error) {
      return new ExperimentResult().stop(describeOAuthError(error));
    }
  }

  app.get(BREAK_IT_PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(breakItPage(ctx.urls, session.get(BREAK_IT_SLOT), session.csrfToken, ctx.clock.nowSeconds()));
  });

  const immediate: Partial<Record<ExperimentId, () => Promise<ExperimentResult>>> = {
    'redirect-uri': () => tamperedRedirectUri(ctx, lab),
    'audience': () => tokenForAnotherResource(ctx, lab),
    'under-scoped': () => underScoped(ctx, lab),
  };
  for (const [id, run] of Object.entries(immediate) as [ExperimentId, () => Promise<ExperimentResult>][]) {
    app.post(`${BREAK_IT_PATH}/${id}/run`, async (request, reply) => {
      const state = ctx.sessions.forForm(request, reply).get(BREAK_IT_SLOT);
      state.results.set(id, await attempt(run));
      return back(reply, id);
    });
  }

  app.post(`${BREAK_IT_PATH}/expired/run`, async (request, reply) => {
    const state = ctx.sessions.forForm(request, reply).get(BREAK_IT_SLOT);
    state.expiring = undefined;
    let result: ExperimentResult;
    try {
      const issued = await shortLivedToken(ctx, lab);
      result = issued.result;
      state.expiring = issued.token;
    } catch (error) {
      result = new ExperimentResult().stop(describeOAuthError(error));
    }
    state.results.set('expired', result);
    return back(reply, 'expired');
  });

  app.post(`${BREAK_IT_PATH}/expired/call`, async (request, reply) => {
    const state = ctx.sessions.forForm(request, reply).get(BREAK_IT_SLOT);
    const token = state.expiring;
    if (token) state.results.set('expired', await attempt(() => callWithExpiringToken(ctx, token, state.results.get('expired'))));
    return back(reply, 'expired');
  });

  for (const id of SIGN_IN_EXPERIMENTS) {
    app.post(`${BREAK_IT_PATH}/${id}/start`, async (request, reply) => {
      const state = ctx.sessions.forForm(request, reply).get(BREAK_IT_SLOT);
      state.pending = undefined;
      try {
        const as = await lab.metadata();
        const authorization = await authorizationRequest(as, { clientId: lab.web.clientId, redirectUri: lab.redirectUri, scope: ['read'], resource: ctx.urls.resourceServer });
        if (id === 'wrong-state') {
          // The URL carries a state this session does not keep (as an attacker's link would); the
          // session keeps the one authorizationRequest made.
          const url = new URL(authorization.authorizationUrl);
          url.searchParams.set('state', oauth.generateRandomState());
          authorization.authorizationUrl = url.href;
        }
        state.pending = { experiment: id, authorization, expectedState: authorization.state };
        return reply.redirect(authorization.authorizationUrl, 303);
      } catch (error) {
        state.results.set(id, new ExperimentResult().stop(describeOAuthError(error)));
        return back(reply, id);
      }
    });
  }

  app.get(`${BREAK_IT_PATH}/callback`, async (request, reply) => {
    const state = ctx.sessions.of(request, reply).get(BREAK_IT_SLOT);
    const pending = state.pending;
    // Single use, like the state it holds: a second visit of this URL finds nothing.
    state.pending = undefined;
    if (!pending) {
      setPlaygroundPageHeaders(reply, ctx.urls);
      return reply.code(400).send(breakItPage(ctx.urls, state, ctx.sessions.of(request, reply).csrfToken, ctx.clock.nowSeconds(),
        'This callback does not belong to an experiment started here (or it was already used). Press an experiment\'s button to start one.'));
    }
    const callback: Exchange = { vantage: 'client', request: incomingRequest(request, ctx.urls.client), jwts: [] };
    const input: CallbackInput = { url: new URL(request.url, ctx.urls.client), pending, navigation: authorizationNavigation(pending.authorization.authorizationUrl), callback };
    const result = await attempt(async () => {
      const as = await lab.metadata();
      switch (pending.experiment) {
        case 'code-replay': return replayedCode(ctx, lab, as, input);
        case 'wrong-state': return wrongState(lab, as, input);
        case 'missing-verifier': return missingVerifier(lab, as, input);
        case 'refresh-replay': return replayedRefreshToken(lab, as, input);
      }
    });
    state.results.set(pending.experiment, result);
    // Off the callback URL: the code should not stay in the address bar or the history.
    return back(reply, pending.experiment);
  });

  app.post(`${BREAK_IT_PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(BREAK_IT_SLOT);
    return reply.redirect(BREAK_IT_PATH, 303);
  });
}
