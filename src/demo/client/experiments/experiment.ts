import * as oauth from 'oauth4webapi';
import type { Exchange } from '../exchange/exchange.js';
import type { RecordedOutcome } from '../oauth/recorded-call.js';

/** The experiments of the Break it page, each one module. */
export type ExperimentId =
  | 'redirect-uri' | 'code-replay' | 'wrong-state' | 'missing-verifier' | 'refresh-replay' | 'audience' | 'expired' | 'under-scoped';

/** The experiments that need a code, so a sign-in at the Auth Server first. */
export type SignInExperimentId = 'code-replay' | 'wrong-state' | 'missing-verifier' | 'refresh-replay';

/** One real exchange an experiment made or saw, with what to notice in it. */
export interface ObservedExchange {
  title: string;
  exchange: Exchange;
  notes: readonly string[];
}

/**
 * One thing the defence should have done, and whether it did, said from what really came back:
 * `said` describes the observed outcome, whichever way it went (never a hard-coded "refused").
 */
export interface Check {
  held: boolean;
  said: string;
}

/** What one run of an experiment observed. */
export class ExperimentResult {
  readonly exchanges: ObservedExchange[] = [];
  readonly checks: Check[] = [];
  /** Why the experiment could not test the defence at all (a server down, a sign-in refused). */
  problem: string | undefined;
  /** Something true and useful that is not a check of the defence (the rightful client still succeeds). */
  readonly remarks: string[] = [];
  /** A link to try it yourself (the tampered authorization request, in your own browser). */
  link: { href: string; label: string } | undefined;

  record(title: string, exchange: Exchange | undefined, notes: readonly string[] = []): void {
    if (exchange) this.exchanges.push({ title, exchange, notes });
  }

  /** Adds a check: `ifHeld` when the condition is true, `ifNot` (what happened instead) when it is not. */
  check(held: boolean, ifHeld: string, ifNot: string): boolean {
    this.checks.push({ held, said: held ? ifHeld : ifNot });
    return held;
  }

  stop(problem: string): this {
    this.problem = problem;
    return this;
  }

  /**
   * `held`: every check held; `broken`: at least one did not; `incomplete`: the experiment stopped
   * before it could test the defence; `waiting`: nothing tested yet, nothing wrong (the token has not expired).
   */
  get verdict(): 'held' | 'broken' | 'incomplete' | 'waiting' {
    if (this.checks.some((check) => !check.held)) return 'broken';
    if (this.problem !== undefined) return 'incomplete';
    return this.checks.length === 0 ? 'waiting' : 'held';
  }
}

/** The RFC 6749 §5.2 error code of a refused token or introspection request, if that is how it failed. */
export function oauthErrorCode(outcome: RecordedOutcome<unknown>): string | undefined {
  return !outcome.ok && outcome.error instanceof oauth.ResponseBodyError ? outcome.error.error : undefined;
}

/** The HTTP status of what came back, if anything did. */
export function statusOf(outcome: RecordedOutcome<unknown>): number | undefined {
  return outcome.exchange?.response?.status;
}

/** A refusal's description for a sentence: `invalid_grant` or "no answer". */
export function outcomeWords(outcome: RecordedOutcome<unknown>): string {
  if (outcome.ok) return `${statusOf(outcome) ?? 200}, accepted`;
  const status = statusOf(outcome);
  const code = oauthErrorCode(outcome);
  return status === undefined ? outcome.problem : `${status}${code ? ` ${code}` : ''}`;
}
