import type { FastifyInstance } from 'fastify';
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
