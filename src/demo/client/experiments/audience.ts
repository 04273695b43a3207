import { OTHER_DEMO_API } from '../../demo-seed.js';
import { listResources } from '../oauth/resource-server-calls.js';
import type { PlaygroundContext } from '../playground-context.js';
import { ExperimentResult } from './experiment.js';
import type { LabClients } from './lab-client.js';
import { refusalOf, refusalWords } from './resource-checks.js';

/**
 * RFC 8707 §2, RFC 9068 §4, RFC 9700 §2.3: a token for another API presented to the demo Resource
 * Server. The same client gets two tokens that differ only in `resource` (so in `aud`): the one for
 * this API is accepted, the one for the other is refused.
 */
export async function tokenForAnotherResource(ctx: PlaygroundContext, lab: LabClients): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  const as = await lab.metadata();
  const own = await lab.serviceToken(as, 'read', ctx.urls.resourceServer);
  result.record('1. A token for the demo Resource Server (resource names it)', own.exchange, ['Its aud is the demo API.']);
  const other = await lab.serviceToken(as, 'read', OTHER_DEMO_API);
  result.record('2. A token for another API (resource names the print shop\'s)', other.exchange, [
    `${OTHER_DEMO_API} is registered at the Auth Server, and Break-it Lab Service may ask for it: the Auth Server issues it. Compare the aud of the two tokens: it is the only difference.`,
  ]);
  if (!own.ok) return result.stop(`A token request failed: ${own.problem}`);
  if (!other.ok) return result.stop(`A token request failed: ${other.problem}`);
  const accepted = await listResources(ctx.urls.resourceServer, own.value.access_token, ctx.allowHttp);
  result.record('3. The demo Resource Server called with its own token', accepted.exchange);
  result.remarks.push(accepted.ok ? 'With its own token the call succeeds (200): the client and the scope are fine.' : `With its own token the call got ${refusalWords(refusalOf(accepted))}.`);
  const refused = await listResources(ctx.urls.resourceServer, other.value.access_token, ctx.allowHttp);
  result.record('4. The demo Resource Server called with the other API\'s token', refused.exchange, [
    'A valid, unexpired token signed by the same Auth Server, with the same scope: only its aud names another API.',
  ]);
  const refusal = refusalOf(refused);
  result.check(refusal.status === 401 && refusal.error === 'invalid_token',
    `The Resource Server refused it: ${refusalWords(refusal)}.`,
    refused.ok ? 'The Resource Server accepted a token meant for another API (200).' : `The Resource Server answered ${refusalWords(refusal)}.`);
  return result;
}
