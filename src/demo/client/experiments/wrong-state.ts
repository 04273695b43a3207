import * as oauth from 'oauth4webapi';
import { recordFrontChannel } from './callback-check.js';
import { ExperimentResult } from './experiment.js';
import type { LabClients } from './lab-client.js';
import type { CallbackInput } from './lab-session.js';

/**
 * RFC 6749 §10.12, RFC 9700 §4.7: an authorization response to a request this session did not
 * make. The browser went to the Auth Server with a state the Client did not keep (as an attacker's
 * link would carry), and the Client checks the callback against the state it kept, with
 * oauth4webapi's validateAuthResponse, as on every page.
 */
export function wrongState(lab: LabClients, as: oauth.AuthorizationServer, input: CallbackInput): ExperimentResult {
  const result = new ExperimentResult();
  recordFrontChannel(result, input);
  const returned = input.url.searchParams.get('state') ?? '(none)';
  result.remarks.push(`The session kept state ${input.pending.expectedState}; the callback carries ${returned}.`);
  try {
    oauth.validateAuthResponse(as, lab.webClient, input.url, input.pending.expectedState);
    result.check(false, '', 'oauth4webapi accepted the callback: the Client would have redeemed a code it never asked for.');
  } catch (error) {
    const message = (error as Error).message;
    result.check(message.includes('"state"'),
      `The Client refused the callback before using the code: oauth4webapi says "${message}". The code was never sent to the token endpoint.`,
      `The Client refused the callback, but not for its state: "${message}".`);
  }
  return result;
}
