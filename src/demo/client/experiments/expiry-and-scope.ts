import type { PlaygroundContext } from '../playground-context.js';
import { addResource, listResources } from '../oauth/resource-server-calls.js';
import { ExperimentResult } from './experiment.js';
import type { LabClients } from './lab-client.js';
import type { ExpiringToken } from './lab-session.js';
import { refusalOf, refusalWords } from './resource-checks.js';

/**
 * RFC 6750 §3.1: a token with too little scope gets 403 insufficient_scope (the token is fine, the
 * request needs more), where an expired one gets 401 invalid_token (the token itself is no good).
 * This one: a read-only token reads (200), then tries to write.
 */
export async function underScoped(ctx: PlaygroundContext, lab: LabClients): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  const as = await lab.metadata();
  const token = await lab.serviceToken(as, 'read', ctx.urls.resourceServer);
  result.record('1. A token with scope read only', token.exchange);
  if (!token.ok) return result.stop(token.problem);
  const read = await listResources(ctx.urls.resourceServer, token.value.access_token, ctx.allowHttp);
  result.record('2. GET /api/resources (needs read)', read.exchange);
  result.remarks.push(read.ok ? 'Reading with it works (200): the token is valid.' : `Reading with it got ${refusalWords(refusalOf(read))}.`);
  const write = await addResource(ctx.urls.resourceServer, token.value.access_token, 'Written with a read-only token', ctx.allowHttp);
  result.record('3. POST /api/resources (needs write)', write.exchange);
  const refusal = refusalOf(write);
  result.check(refusal.status === 403 && refusal.error === 'insufficient_scope',
    `Writing was refused: ${refusalWords(refusal)}. 403, not 401: the token is valid, it only lacks the scope, and the challenge names the scope needed.`,
    write.ok ? 'Writing with a read-only token succeeded.' : `Writing got ${refusalWords(refusal)}, not 403 insufficient_scope.`);
  return result;
}

/** The first half of the "expired" experiment: a token from the service client, which lives seconds. */
export async function shortLivedToken(ctx: PlaygroundContext, lab: LabClients): Promise<{ result: ExperimentResult; token?: ExpiringToken }> {
  const result = new ExperimentResult();
  const as = await lab.metadata();
  const token = await lab.serviceToken(as, 'read', ctx.urls.resourceServer);
  result.record('1. A short-lived token (Break-it Lab Service\'s tokens live seconds, not minutes)', token.exchange);
  if (!token.ok) return { result: result.stop(token.problem) };
  const expiresIn = token.value.expires_in ?? 0;
  result.remarks.push(`The token expires in ${expiresIn} s (expires_in). Wait for it, then call the Resource Server with it.`);
  return { result, token: { accessToken: token.value.access_token, expiresAt: ctx.clock.nowSeconds() + expiresIn } };
}

/** The second half: the call. Before the expiry the token works, and the page says so; after, it must get 401. */
export async function callWithExpiringToken(ctx: PlaygroundContext, token: ExpiringToken, previous: ExperimentResult | undefined): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  for (const seen of previous?.exchanges.slice(0, 1) ?? []) result.exchanges.push(seen);
  const secondsLeft = token.expiresAt - ctx.clock.nowSeconds();
  const call = await listResources(ctx.urls.resourceServer, token.accessToken, ctx.allowHttp);
  const refusal = refusalOf(call);
  if (secondsLeft > 0) {
    result.record(`2. GET /api/resources with the token, ${secondsLeft} s before it expires`, call.exchange);
    result.remarks.push(call.ok
      ? `The token still had ${secondsLeft} s to live, so the Resource Server accepted it (200), as it should. Wait, then call again.`
      : `The token still had ${secondsLeft} s to live, and the Resource Server answered ${refusalWords(refusal)}.`);
    return result;
  }
  result.record(`2. GET /api/resources with the token, ${-secondsLeft} s after it expired`, call.exchange, [
    'The Resource Server reads exp from the token itself and compares it with its clock: no call to the Auth Server is needed.',
  ]);
  result.check(refusal.status === 401 && refusal.error === 'invalid_token',
    `The expired token was refused: ${refusalWords(refusal)}. 401: the token itself is no good; the client should refresh or get a new one.`,
    call.ok ? 'The Resource Server accepted an expired token (200).' : `The expired token got ${refusalWords(refusal)}, not 401 invalid_token.`);
  return result;
}
