import * as oauth from 'oauth4webapi';
import type { RecordedOutcome } from '../oauth/recorded-call.js';

/** A Resource Server's refusal as RFC 6750 §3 shapes it: status, the Bearer challenge's error, the raw header. */
export interface Refusal {
  status: number | undefined;
  error: string | undefined;
  header: string | undefined;
}

export function refusalOf(outcome: RecordedOutcome<unknown>): Refusal {
  const header = outcome.exchange?.response?.headers.find((h) => h.name === 'WWW-Authenticate')?.value;
  const status = outcome.exchange?.response?.status;
  const error = !outcome.ok && outcome.error instanceof oauth.WWWAuthenticateChallengeError
    ? outcome.error.cause.find((challenge) => challenge.scheme === 'bearer')?.parameters.error
    : undefined;
  return { status, error, header };
}

/** "401 with WWW-Authenticate: Bearer error=..." or "200", for a sentence. */
export function refusalWords(refusal: Refusal): string {
  return `${refusal.status ?? 'no answer'}${refusal.header ? ` with WWW-Authenticate: ${refusal.header}` : ''}`;
}
