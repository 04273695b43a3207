import * as oauth from 'oauth4webapi';
import type { Exchange } from '../exchange/exchange.js';
import { ExchangeRecorder } from '../exchange/recording-fetch.js';

export type RecordedOutcome<T> =
  | { ok: true; value: T; exchange: Exchange }
  | { ok: false; problem: string; exchange: Exchange | undefined; error: unknown };

/** "lead: code. Description." with one full stop, whether or not the description ends with its own. */
function refusal(lead: string, description: string | undefined): string {
  if (!description) return `${lead}.`;
  return `${lead}. ${/[.!?]$/.test(description) ? description : `${description}.`}`;
}

/** What an oauth4webapi error means, in one sentence for the visitor. */
export function describeOAuthError(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) {
    return refusal(`The Auth Server refused: ${error.error}`, error.error_description);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const code = challenge?.parameters.error;
    const description = challenge?.parameters.error_description;
    return code
      ? refusal(`The Resource Server refused the token: ${code}`, description)
      : `The Resource Server asked for a token (HTTP ${error.status}).`;
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'The server could not be reached. Is the demo still running?';
  return `The client stopped: ${(error as Error).message}`;
}

/**
 * Runs one oauth4webapi call with a recording fetch, and returns what it produced or why it
 * failed, together with the real exchange (when a request was made at all).
 */
export async function recordedCall<T>(allowHttp: boolean, call: (options: ExchangeRecorder['options']) => Promise<T>): Promise<RecordedOutcome<T>> {
  const recorder = new ExchangeRecorder(allowHttp);
  try {
    const value = await call(recorder.options);
    const exchange = recorder.last();
    if (!exchange) throw new Error('no HTTP request was made');
    return { ok: true, value, exchange };
  } catch (error) {
    return { ok: false, problem: describeOAuthError(error), exchange: recorder.last(), error };
  }
}
