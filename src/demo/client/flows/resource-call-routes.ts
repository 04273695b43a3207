import type { FastifyInstance } from 'fastify';
import { listResources } from '../oauth/resource-server-calls.js';
import type { PlaygroundContext } from '../playground-context.js';
import type { SessionSlot } from '../playground-sessions.js';
import type { FlowRun } from './flow-run.js';
import { resourceServerNotes } from './step-notes.js';

interface FlowWithToken {
  run: FlowRun;
  accessToken?: string;
}

/**
 * The routes every token-holding flow page shares: call the Resource Server with the flow's
 * token (lighting the diagram's last two steps) and start over.
 */
export function resourceCallRoutes<T extends FlowWithToken>(
  app: FastifyInstance, ctx: PlaygroundContext,
  page: { path: string; slot: SessionSlot<T>; steps: [request: number, response: number]; owner: 'user' | 'client' },
): void {
  app.post(`${page.path}/resources`, async (request, reply) => {
    const flow = ctx.sessions.forForm(request, reply).get(page.slot);
    if (flow.accessToken === undefined) return reply.redirect(page.path, 303);
    flow.run.beginAction();
    const outcome = await listResources(ctx.urls.resourceServer, flow.accessToken, ctx.allowHttp);
    if (outcome.exchange) {
      flow.run.lightExchange(page.steps[0], page.steps[1], outcome.exchange, outcome.ok ? 'done' : 'failed', resourceServerNotes(page.owner));
    }
    if (!outcome.ok) flow.run.fail(outcome.problem);
    return reply.redirect(`${page.path}#run`, 303);
  });

  app.post(`${page.path}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(page.slot);
    return reply.redirect(page.path, 303);
  });
}
