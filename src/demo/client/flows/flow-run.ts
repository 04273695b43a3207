import { stepSpec, type FlowContent } from '../content/flow-content.js';
import type { Exchange } from '../exchange/exchange.js';

/** `done`: the step happened as the diagram says; `failed`: it happened, with an error. */
export type StepState = 'done' | 'failed';

/** A lit step of the diagram and the exchange behind it. Plain data: the implicit SPA keeps these in sessionStorage. */
export interface StepRecord {
  exchange: Exchange;
  /** Which half of the exchange this step is: the request (an arrow out) or the response (the arrow back). */
  part: 'request' | 'response';
  state: StepState;
  /** The id of the step showing the other half of the same exchange. */
  pairedStep?: string;
  /** What the client checked, or why this step matters: shown only when the step is `done`. */
  notes: readonly string[];
  /** Why a failed step failed, in words, when the exchange carries no OAuth error code. */
  problem?: string;
  /**
   * The Client did not accept this message: its state (RFC 6749 §10.12) or iss (RFC 9207 §2.4) check
   * failed, so anyone may have written its error and error_description. The card then says only why
   * the Client refused it (`problem`), never those parameters as the Auth Server's answer.
   */
  rejectedByClient?: boolean;
}

/** An exchange outside the diagram's steps (how the refresh story got its first tokens). */
export interface ExtraExchange {
  title: string;
  exchange: Exchange;
  notes: readonly string[];
}

/** The records of an exchange's two halves, with the flow's notes for each step. */
export function exchangeRecords<Id extends string>(flow: FlowContent<Id>, requestStep: Id, responseStep: Id, exchange: Exchange, responseState: StepState,
  extraNotes: { request?: readonly string[]; response?: readonly string[] } = {}): [Id, StepRecord][] {
  const records: [Id, StepRecord][] = [
    [requestStep, { exchange, part: 'request', state: 'done', pairedStep: responseStep, notes: [...stepSpec(flow, requestStep).notes, ...(extraNotes.request ?? [])] }],
  ];
  if (exchange.response) {
    records.push([responseStep, { exchange, part: 'response', state: responseState, pairedStep: requestStep, notes: [...stepSpec(flow, responseStep).notes, ...(extraNotes.response ?? [])] }]);
  }
  return records;
}

/**
 * One visitor's progress through one flow's diagram, keyed by step id: the generic runner every
 * flow's controller drives. The copy comes from the flow's content; the controller only says which
 * steps an exchange lit and whether it went as the diagram says.
 */
export class FlowRun<Id extends string = string> {
  readonly steps = new Map<Id, StepRecord>();
  readonly extras: ExtraExchange[] = [];
  /** Steps lit by the latest action: the page opens and animates them. */
  newlyLit: Id[] = [];
  /** What went wrong in the latest action, in words for the visitor. */
  problem: string | undefined;

  constructor(readonly flow: FlowContent<Id>) {}

  /** Starts an action: what the previous one lit is no longer new. */
  beginAction(): void {
    this.newlyLit = [];
    this.problem = undefined;
  }

  /** Lights one step; its notes default to the flow's notes for it. */
  light(step: Id, record: Omit<StepRecord, 'notes'> & { notes?: readonly string[] }): void {
    this.steps.set(step, { ...record, notes: record.notes ?? stepSpec(this.flow, step).notes });
    this.newlyLit.push(step);
  }

  /** Lights the request step and, when there was an answer, the response step of one exchange. */
  lightExchange(requestStep: Id, responseStep: Id, exchange: Exchange, responseState: StepState, extraNotes: { request?: readonly string[]; response?: readonly string[] } = {}): void {
    for (const [id, record] of exchangeRecords(this.flow, requestStep, responseStep, exchange, responseState, extraNotes)) {
      this.steps.set(id, record);
      this.newlyLit.push(id);
    }
  }

  /** Records what went wrong; a failed step of this action without an error code of its own says it. */
  fail(problem: string): void {
    this.problem = problem;
    for (const id of this.newlyLit) {
      const record = this.steps.get(id);
      if (record?.state === 'failed' && record.problem === undefined) record.problem = problem;
    }
  }

  /** Adds an exchange outside the diagram, with its title and notes from the flow's content. */
  addExtra(extra: string, exchange: Exchange, titleDetail = ''): void {
    const copy = Object.hasOwn(this.flow.extras, extra) ? this.flow.extras[extra] : undefined;
    if (!copy) throw new Error(`no extra ${extra} in this flow`);
    this.extras.push({ title: `${copy.title}${titleDetail}`, exchange, notes: copy.notes });
  }

  has(step: Id): boolean {
    return this.steps.has(step);
  }
}
