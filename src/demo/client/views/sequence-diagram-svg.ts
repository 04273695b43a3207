import { html, type SafeHtml } from '../../../html/html.js';
import type { Participant } from '../exchange/exchange.js';
import type { DiagramStep, SequenceDiagram } from '../content/flow-content.js';
import type { StepState } from '../flows/flow-run.js';

/**
 * What identifies a step in the page: its anchor (`#step-<key>`), its card and its arrow. The
 * only place the renderer reads it, so that keying steps by id instead of number is this line.
 */
export type StepKey = DiagramStep['id'];
export const stepKey = (step: DiagramStep): StepKey => step.id;

/** How each step is drawn: not yet run, run, or run with an error; `fresh` ones were just lit. */
export interface DiagramState {
  steps: ReadonlyMap<StepKey, StepState>;
  fresh: readonly StepKey[];
}

// The picture's own units. At 1280 px the diagram is about 800 px wide (0.8 of these units), so
// the 16-unit text is drawn at about 12.8 px: readable, and what the e2e test measures (>= 12 px).
const WIDTH = 1000;
const SIDE_MARGIN = 118;
const ACTOR_TOP = 12;
const ACTOR_HEIGHT = 54;
const ACTOR_WIDTH = 210;
const LINE_HEIGHT = 20;
const BADGE_RADIUS = 13;
/** A rough width of one character at the label's font size, to keep labels inside the picture. */
const CHAR_WIDTH = 8.2;

function laneX(participants: readonly Participant[], participant: Participant): number {
  const index = participants.indexOf(participant);
  if (index < 0) throw new Error(`${participant} is not in this diagram`);
  return participants.length === 1 ? WIDTH / 2 : Math.round(SIDE_MARGIN + (index * (WIDTH - 2 * SIDE_MARGIN)) / (participants.length - 1));
}

function stateName(state: StepState | undefined): 'is-pending' | 'is-failed' | 'is-done' {
  return state === undefined ? 'is-pending' : state === 'failed' ? 'is-failed' : 'is-done';
}

function stepClass(state: StepState | undefined, freshIndex: number): string {
  const base = stateName(state);
  return freshIndex < 0 ? `seq-step ${base}` : `seq-step ${base} is-fresh delay-${Math.min(freshIndex, 5)}`;
}

/** The state in words, for the accessible names: color alone must not carry it (WCAG 1.4.1). */
const STATE_WORDS: Record<ReturnType<typeof stateName>, string> = {
  'is-pending': 'not yet run',
  'is-done': 'done',
  'is-failed': 'failed',
};

function accessibleName(step: DiagramStep, position: number, state: StepState | undefined): string {
  return `Step ${position}, ${step.from} to ${step.to}: ${step.lines.join(' ')} (${STATE_WORDS[stateName(state)]}). Show the HTTP exchange.`;
}

function stepGroup(diagram: SequenceDiagram, step: DiagramStep, position: number, top: number, state: DiagramState): { svg: SafeHtml; bottom: number } {
  const key = stepKey(step);
  const from = laneX(diagram.participants, step.from);
  const to = laneX(diagram.participants, step.to);
  const direction = to > from ? 1 : -1;
  const longest = Math.max(...step.lines.map((line, i) => (i === 0 ? `${position}. ${line}` : line).length));
  const halfWidth = Math.round((longest * CHAR_WIDTH) / 2);
  // Centered over the arrow, but never cut off at the picture's edges.
  const labelX = Math.round(Math.min(Math.max((from + to) / 2, halfWidth + 8), WIDTH - halfWidth - 8));
  const arrowY = top + step.lines.length * LINE_HEIGHT + 10;
  const badgeX = from + direction * 2;
  const lines = step.lines.map((line, i) => html`<tspan x="${labelX}" dy="${i === 0 ? 0 : LINE_HEIGHT}">${i === 0 ? html`<tspan class="seq-num">${position}.</tspan> ` : ''}${line}</tspan>`);
  const stepState = state.steps.get(key);
  // A real link (the svg is not role="img", so nothing interactive is nested in an image): Tab
  // reaches each arrow, Enter opens its card. Its name says the step and its state in words.
  const svg = html`<a href="#step-${key}" id="diagram-step-${key}" data-step-id="${key}" data-step="${position}" class="${stepClass(stepState, state.fresh.indexOf(key))}" aria-label="${accessibleName(step, position, stepState)}">
<rect class="seq-hit" x="${Math.min(from, to, labelX - halfWidth) - 16}" y="${top - 18}" width="${Math.max(Math.abs(to - from), halfWidth * 2) + 32}" height="${arrowY - top + 34}" rx="8"/>
<text class="seq-label" x="${labelX}" y="${top}" text-anchor="middle">${lines}</text>
<line class="seq-arrow" x1="${badgeX + direction * (BADGE_RADIUS + 1)}" y1="${arrowY}" x2="${to - direction * 4}" y2="${arrowY}"/>
<circle class="seq-badge" cx="${badgeX}" cy="${arrowY}" r="${BADGE_RADIUS}"/>
<text class="seq-badge-text" x="${badgeX}" y="${arrowY + 5}" text-anchor="middle">${position}</text>
</a>`;
  return { svg, bottom: arrowY + 30 };
}

/**
 * A sequence diagram drawn as SVG, in the manner of the tutorial's mermaid diagrams: one lane per
 * participant, one numbered arrow per step. Each step links to its exchange below the picture;
 * colors come from the stylesheet (no inline styles, for the CSP). Shown from tablet width up;
 * phones get {@link sequenceStepList} instead (four lanes do not fit 390 px at a readable size).
 */
export function sequenceDiagramSvg(diagram: SequenceDiagram, state: DiagramState, subtitles: Partial<Record<Participant, string>>): SafeHtml {
  let y = ACTOR_TOP + ACTOR_HEIGHT + 40;
  const groups: SafeHtml[] = [];
  diagram.steps.forEach((step, index) => {
    const drawn = stepGroup(diagram, step, index + 1, y, state);
    groups.push(drawn.svg);
    y = drawn.bottom + 14;
  });
  const height = y + 4;
  const actors = diagram.participants.map((participant) => {
    const x = laneX(diagram.participants, participant);
    const subtitle = subtitles[participant];
    return html`<g class="seq-actor" aria-hidden="true">
<line class="seq-lifeline" x1="${x}" y1="${ACTOR_TOP + ACTOR_HEIGHT}" x2="${x}" y2="${height - 6}"/>
<rect x="${x - ACTOR_WIDTH / 2}" y="${ACTOR_TOP}" width="${ACTOR_WIDTH}" height="${ACTOR_HEIGHT}" rx="10"/>
<text class="seq-actor-name" x="${x}" y="${ACTOR_TOP + (subtitle ? 23 : 33)}" text-anchor="middle">${participant}</text>
${subtitle ? html`<text class="seq-actor-sub" x="${x}" y="${ACTOR_TOP + 44}" text-anchor="middle">${subtitle}</text>` : ''}
</g>`;
  });
  const marker = (name: string) => html`<marker id="arrow-${name}" class="seq-head-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>`;
  // role="group", not "img": an image's content is presentational, and these arrows are links.
  return html`<svg class="sequence-diagram" viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label="Sequence diagram between ${diagram.participants.join(', ')}: one link per step" xmlns="http://www.w3.org/2000/svg">
<defs aria-hidden="true">${marker('pending')}${marker('done')}${marker('failed')}</defs>
${actors}
${groups}
</svg>`;
}

/**
 * The same diagram for phones: an ordered list, one "From → To: text" step per item, drawn as a
 * vertical sequence. Every lane stays visible (each step names its two), text keeps its size, and
 * each step is a link to its card. Its items carry the same state classes as the SVG's arrows.
 */
export function sequenceStepList(diagram: SequenceDiagram, state: DiagramState): SafeHtml {
  return html`<ol class="seq-list" aria-label="Sequence diagram, step by step">
${diagram.steps.map((step, index) => {
    const key = stepKey(step);
    const stepState = state.steps.get(key);
    return html`<li class="${stepClass(stepState, state.fresh.indexOf(key))}" data-diagram-item="${key}" data-step="${index + 1}">
<a href="#step-${key}" class="seq-list-link"><span class="seq-list-num" aria-hidden="true">${index + 1}</span><span class="seq-list-text"><span class="seq-list-lanes">${step.from} <span aria-hidden="true">→</span><span class="visually-hidden">to</span> ${step.to}</span> <span class="seq-list-label">${step.lines.join(' ')}</span> <span class="seq-list-state" data-state-words>${STATE_WORDS[stateName(stepState)]}</span></span></a>
</li>`;
  })}
</ol>`;
}

/** The diagram as a page shows it: the SVG from tablet width up, the step list on phones (CSS decides). */
export function sequenceDiagram(diagram: SequenceDiagram, state: DiagramState, subtitles: Partial<Record<Participant, string>>): SafeHtml {
  return html`${sequenceDiagramSvg(diagram, state, subtitles)}
${sequenceStepList(diagram, state)}`;
}
