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

/**
 * The controls of a page that holds an access token: call the Resource Server, the token's
 * remaining life from its exp, and, once it is expired or refused, the way on instead of a page
 * that says the flow is complete beside a 401.
 */
export function resourceCallControls(input: {
  flow: ResourceCallFlow; path: string; csrf: string; run: FlowRun<string>; accessToken: string; now: number; detail?: SafeHtml;
}): SafeHtml {
  const { flow, path, csrf, run } = input;
  const answer = run.steps.get('resource-response');
  const refused = answer?.state === 'failed';
  const exp = tokenExpiry(input.accessToken);
  const offers = newTokenOffers(flow, path, csrf);
  const life = exp === undefined ? html`` : tokenLifeView({ exp, now: input.now, offers: refused ? html`` : offers });
  if (refused) {
    return html`<p class="flow-refused">${controlText(flow, 'refused')}</p>
${offers}
${life}
${actionForm(`${path}/resources`, csrf, controlText(flow, 'call-again'), { primary: false })}`;
  }
  // Expired by the server's clock: the offers lead, and the call stays possible, to see the Resource Server refuse it.
  const expired = exp !== undefined && exp <= input.now;
  return html`<p>${controlText(flow, expired ? 'holds-expired' : answer ? 'complete' : 'holds-token')}${input.detail ?? ''}</p>
${life}
${actionForm(`${path}/resources`, csrf, controlText(flow, answer ? 'call-again' : 'call'), { primary: !expired })}`;
}
