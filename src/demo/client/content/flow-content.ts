import type { Participant } from '../exchange/exchange.js';
import type { RfcReference } from './references.js';

/**
 * A flow as data: its diagram's steps, each with a named id, the tutorial's caption and the
 * notes shown once the step happened as expected; the texts of its controls and its problems.
 * Display numbers are never written down: a step's number is its position in the diagram, and
 * texts that name a step say `{step-id}`, filled in by fillSteps.
 *
 * Pure data and pure functions: the server and the browser bundle (browser/) both import it.
 */

/** Where the tutorial says something the RFCs contradict, shown at the step where it happens. */
export interface TutorialCorrection {
  /** What the tutorial says, quoted or closely paraphrased. */
  tutorial: string;
  /** What the RFC says instead. */
  rfc: string;
  refs: readonly RfcReference[];
}

export interface StepSpec<Id extends string = string> {
  id: Id;
  from: Participant;
  to: Participant;
  /** The tutorial's caption on the arrow, one string per line (its `<br/>`), typos fixed. */
  caption: readonly string[];
  /**
   * When the caption above corrects the tutorial's (a correction callout says why): the tutorial's
   * own caption, typos fixed, which a failed step shows as what the tutorial expected.
   */
  tutorialCaption?: readonly string[];
  /** What the Client checked, or why this step matters: shown when the step happened as expected. */
  notes: readonly string[];
  /** Where the tutorial says otherwise than the RFCs about this step. */
  corrections?: readonly TutorialCorrection[];
}

/** One arrow of a sequence diagram, numbered by its position. */
export interface DiagramStep {
  id: string;
  /** 1-based position in the diagram: the number the page shows. */
  number: number;
  from: Participant;
  to: Participant;
  /** The caption's lines. */
  lines: readonly string[];
  /** The tutorial's own caption, when `lines` corrects it; else the same as `lines`. */
  tutorialLines: readonly string[];
  /** Where the tutorial says otherwise than the RFCs about this step: a callout on its card. */
  corrections: readonly TutorialCorrection[];
}

export interface SequenceDiagram {
  /** Left to right, only the lanes the flow uses. */
  participants: readonly Participant[];
  steps: readonly DiagramStep[];
}

/** An exchange the page shows outside the diagram's steps (the refresh story's prologue, an experiment). */
export interface ExtraCopy {
  title: string;
  notes: readonly string[];
}

export interface FlowContent<Id extends string = string, Control extends string = string, Problem extends string = string, Extra extends string = string> {
  steps: readonly StepSpec<Id>[];
  diagram: SequenceDiagram;
  /** Button and prompt texts; `{step-id}` stands for that step's number. */
  controls: Readonly<Record<Control, string>>;
  /** What went wrong, in words for the visitor. */
  problems: Readonly<Record<Problem, string>>;
  /** The exchanges outside the diagram, by name. */
  extras: Readonly<Record<Extra, ExtraCopy>>;
}

export function defineFlow<Id extends string, Control extends string, Problem extends string, Extra extends string = never>(spec: {
  participants: readonly Participant[];
  steps: readonly StepSpec<Id>[];
  controls: Record<Control, string>;
  problems: Record<Problem, string>;
  extras?: Record<Extra, ExtraCopy>;
}): FlowContent<Id, Control, Problem, Extra> {
  const ids = new Set<string>();
  for (const step of spec.steps) {
    if (ids.has(step.id)) throw new Error(`step id ${step.id} appears twice`);
    ids.add(step.id);
  }
  const diagram: SequenceDiagram = {
    participants: spec.participants,
    steps: spec.steps.map((step, index) => ({
      id: step.id, number: index + 1, from: step.from, to: step.to, lines: step.caption, tutorialLines: step.tutorialCaption ?? step.caption, corrections: step.corrections ?? [],
    })),
  };
  return { steps: spec.steps, diagram, controls: spec.controls, problems: spec.problems, extras: spec.extras ?? ({} as Record<Extra, ExtraCopy>) };
}

/** A step's display number; an unknown id is a programming error. */
export function stepNumber(diagram: SequenceDiagram, id: string): number {
  const step = diagram.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id} in this diagram`);
  return step.number;
}

/** Replaces each `{step-id}` of a text with that step's number. */
export function fillSteps(text: string, diagram: SequenceDiagram): string {
  return text.replace(/\{([a-z0-9-]+)\}/g, (_match, id: string) => String(stepNumber(diagram, id)));
}

/** A control's text, numbers filled in. */
export function controlText<Control extends string>(flow: FlowContent<string, Control>, control: Control): string {
  return fillSteps(flow.controls[control], flow.diagram);
}

/** A problem's text, numbers filled in. */
export function problemText<Problem extends string>(flow: FlowContent<string, string, Problem>, problem: Problem): string {
  return fillSteps(flow.problems[problem], flow.diagram);
}

export function stepSpec<Id extends string>(flow: FlowContent<Id>, id: Id): StepSpec<Id> {
  const spec = flow.steps.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no step ${id} in this flow`);
  return spec;
}
