import * as oauth from 'oauth4webapi';
import { callbackProblem } from '../oauth/code-flow-steps.js';
import type { ExperimentResult } from './experiment.js';
import type { CallbackInput } from './lab-session.js';

/** Records the front channel of a sign-in experiment: the browser's trip to the Auth Server and back. */
export function recordFrontChannel(result: ExperimentResult, input: CallbackInput): void {
  result.record('Your browser at the Auth Server (the authorization request)', input.navigation, [
    'You signed in and allowed Break-it Lab at the Auth Server (once: it remembers your consent); the Client cannot see that part.',
  ]);
  result.record('Back at the Client with a code (the callback)', input.callback, [
    'The Auth Server sent your browser back to the registered redirect_uri with a one-time code, the state and iss.',
  ]);
}

/**
 * The Client's ordinary callback checks (state, RFC 6749 §10.12; iss, RFC 9207) with oauth4webapi:
 * the parameters to redeem, or undefined with the result stopped saying why.
 */
export function acceptCallback(result: ExperimentResult, as: oauth.AuthorizationServer, client: oauth.Client, input: CallbackInput): URLSearchParams | undefined {
  try {
    return oauth.validateAuthResponse(as, client, input.url, input.pending.expectedState);
  } catch (error) {
    result.stop(`The callback could not be used, so the experiment did not get to its attack. ${callbackProblem(error)}`);
    return undefined;
  }
}
