import type { PlaygroundContext } from '../playground-context.js';

/** The Client's lane subtitle: what kind of client, and where it runs. */
export function clientLane(ctx: PlaygroundContext, kind: string): string {
  return `${kind} · :${new URL(ctx.urls.client).port}`;
}
