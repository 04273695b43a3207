import type { FastifyInstance } from 'fastify';
import { html, type SafeHtml } from '../../../html/html.js';
import { controlText, type FlowContent } from '../content/flow-content.js';
import type { RESOURCE_CALL_CONTROLS } from '../content/shared-copy.js';
import { actionForm } from '../views/flow-page.js';
import { tokenExpiry, tokenLifeView } from '../views/token-life.js';
import { listResources } from '../oauth/resource-server-calls.js';
import type { PlaygroundContext } from '../playground-context.js';
import type { SessionSlot } from '../playground-sessions.js';
import type { FlowRun } from './flow-run.js';

interface FlowWithToken {
  run: FlowRun<string>;
  accessToken?: string;
}

/** The step ids of a flow state's run. */
type StepOf<T> = T extends { run: FlowRun<infer Id> } ? Id : never;

/**
 * The routes every token-holding flow page shares: call the Resource Server with the flow's
 * token (lighting the diagram's request/response pair named) and start over.
 */
export function resourceCallRoutes<T extends FlowWithToken>(
  app: FastifyInstance, ctx: PlaygroundContext,
  page: { path: string; slot: SessionSlot<T>; steps: [request: StepOf<T>, response: StepOf<T>] },
): void {
  app.post(`${page.path}/resources`, async (request, reply) => {
    const flow = ctx.sessions.forForm(request, reply).get(page.slot);
    if (flow.accessToken === undefined) return reply.redirect(page.path, 303);
    flow.run.beginAction();
    const outcome = await listResources(ctx.urls.resourceServer, flow.accessToken, ctx.allowHttp);
    if (outcome.exchange) flow.run.lightExchange(page.steps[0], page.steps[1], outcome.exchange, outcome.ok ? 'done' : 'failed');
    if (!outcome.ok) flow.run.fail(outcome.problem);
    return reply.redirect(`${page.path}#run`, 303);
  });

  app.post(`${page.path}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(page.slot);
    return reply.redirect(page.path, 303);
  });
}

type ResourceCallFlow = FlowContent<string, keyof typeof RESOURCE_CALL_CONTROLS | 'holds-token'>;

/** What a page offers when its token is expired or refused: a new token, or the refresh page. */
export function newTokenOffers(flow: ResourceCallFlow, path: string, csrf: string): SafeHtml {
  return html`<div class="token-offers">${actionForm(`${path}/reset`, csrf, controlText(flow, 'new-token'))}
<p><a href="/refresh-token">${controlText(flow, 'refresh-page')}</a></p></div>`;
}

/** The state of a page's access token: what the page says and offers follows it, and nothing else. */
export type TokenState = 'live' | 'expired' | 'refused';

export function tokenState(run: FlowRun<string>, accessToken: string, now: number): TokenState {
  if (run.steps.get('resource-response')?.state === 'failed') return 'refused';
  const exp = tokenExpiry(accessToken);
  return exp !== undefined && exp <= now ? 'expired' : 'live';
}

/**
 * The controls of a page that holds an access token, one state at a time (content/shared-copy.ts
 * RESOURCE_CALL_CONTROLS):
 * - live: the call (or call again), the token's countdown, Start over. When the countdown reaches
 *   zero in the browser (browser/countdown.ts) the live text, call and Start over are hidden and
 *   the expired state's call is shown, beside the expired text and the offers of a new token;
 * - expired (by the server's clock), not called since: the expired text, the offers, and a call
 *   labelled for what it is, to see the Resource Server refuse it;
 * - refused: what happened and the offers, once; no call again with the same token.
 */
export function resourceCallControls(input: {
  flow: ResourceCallFlow; path: string; csrf: string; run: FlowRun<string>; accessToken: string; now: number; detail?: SafeHtml;
}): SafeHtml {
  const { flow, path, csrf, run } = input;
  const state = tokenState(run, input.accessToken, input.now);
  const offers = newTokenOffers(flow, path, csrf);
  if (state === 'refused') {
    return html`<p class="flow-refused">${controlText(flow, 'refused')}${input.detail ?? ''}</p>
${offers}`;
  }
  const exp = tokenExpiry(input.accessToken);
  const life = exp === undefined ? html`` : tokenLifeView({ exp, now: input.now, offers, expiredText: controlText(flow, 'holds-expired') });
  const expiredCall = actionForm(`${path}/resources`, csrf, controlText(flow, 'call-expired'), { primary: false });
  if (state === 'expired') {
    return html`${input.detail ? html`<p>${input.detail}</p>` : ''}
${life}
${expiredCall}`;
  }
  const answer = run.steps.get('resource-response');
  return html`<p data-hide-at-zero>${controlText(flow, answer ? 'complete' : 'holds-token')}${input.detail ?? ''}</p>
${life}
<div data-hide-at-zero>${actionForm(`${path}/resources`, csrf, controlText(flow, answer ? 'call-again' : 'call'))}
${actionForm(`${path}/reset`, csrf, controlText(flow, 'start-over'), { primary: false })}</div>
<div data-show-at-zero hidden>${expiredCall}</div>`;
}
