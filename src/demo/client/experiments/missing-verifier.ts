import * as oauth from 'oauth4webapi';
import { acceptCallback, recordFrontChannel } from './callback-check.js';
import { ExperimentResult, oauthErrorCode, outcomeWords } from './experiment.js';
import type { LabClients } from './lab-client.js';
import type { CallbackInput } from './lab-session.js';

/**
 * RFC 7636 §4.6, RFC 9700 §4.5: a code redeemed without its code_verifier, as whoever stole or
 * injected the code would have to (the verifier never left the Client). Then the rightful
 * redemption, with the verifier, to show that the failed attempt did not burn the code.
 */
export async function missingVerifier(lab: LabClients, as: oauth.AuthorizationServer, input: CallbackInput): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  recordFrontChannel(result, input);
  const callback = acceptCallback(result, as, lab.webClient, input);
  if (!callback) return result;
  const without = await lab.redeemCode(as, callback, oauth.nopkce);
  result.record('1. The code redeemed without code_verifier', without.exchange, [
    'The authorization request carried a code_challenge, so the Auth Server expects the verifier whose SHA-256 it is.',
  ]);
  result.check(oauthErrorCode(without) === 'invalid_grant',
    `The redemption without code_verifier was refused: ${outcomeWords(without)}.`,
    without.ok ? 'The code was redeemed without its code_verifier: PKCE was not enforced.' : `The redemption without code_verifier got ${outcomeWords(without)}, not invalid_grant.`);
  const rightful = await lab.redeemCode(as, callback, input.pending.authorization.codeVerifier);
  result.record('2. The same code redeemed with its code_verifier (the rightful client)', rightful.exchange);
  result.remarks.push(rightful.ok
    ? 'Then the rightful redemption, with the verifier, got its tokens (200): Tessera checks everything before it marks a code used, so a wrong attempt does not burn it.'
    : `Then the rightful redemption, with the verifier, got ${outcomeWords(rightful)}.`);
  return result;
}
