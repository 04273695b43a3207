import type { Exchange } from '../exchange/exchange.js';

/** `done`: the step happened as the diagram says; `failed`: it happened, with an error. */
export type StepState = 'done' | 'failed';

/** A lit step of the diagram and the exchange behind it. */
export interface StepRecord {
  exchange: Exchange;
  /** Which half of the exchange this step is: the request (an arrow out) or the response (the arrow back). */
  part: 'request' | 'response';
  state: StepState;
  /** The step showing the other half of the same exchange. */
  pairedStep?: number;
  /** What the client checked, or why this step matters, a sentence each. */
  notes?: readonly string[];
}

/** Notes for each half of an exchange. */
export interface ExchangeNotes {
  request?: readonly string[];
  response?: readonly string[];
}

/** An exchange outside the diagram's numbered steps (how the refresh story got its first tokens). */
export interface ExtraExchange {
  title: string;
  exchange: Exchange;
  notes: readonly string[];
}

/** One visitor's progress through one grant's diagram. */
export class FlowRun {
  readonly steps = new Map<number, StepRecord>();
  readonly extras: ExtraExchange[] = [];
  /** Steps lit by the latest action: the page opens and animates them. */
  newlyLit: number[] = [];
  /** What went wrong in the latest action, in words for the visitor. */
  problem: string | undefined;

  /** Starts an action: what the previous one lit is no longer new. */
  beginAction(): void {
    this.newlyLit = [];
    this.problem = undefined;
  }

  light(step: number, record: StepRecord): void {
    this.steps.set(step, record);
    this.newlyLit.push(step);
  }

  /** Lights the request step and, when there was an answer, the response step of one exchange. */
  lightExchange(requestStep: number, responseStep: number, exchange: Exchange, responseState: StepState, notes: ExchangeNotes = {}): void {
    this.light(requestStep, { exchange, part: 'request', state: 'done', pairedStep: responseStep, notes: notes.request ?? [] });
    if (exchange.response) {
      this.light(responseStep, { exchange, part: 'response', state: responseState, pairedStep: requestStep, notes: notes.response ?? [] });
    }
  }

  fail(problem: string): void {
    this.problem = problem;
  }

  has(step: number): boolean {
    return this.steps.has(step);
  }
}
