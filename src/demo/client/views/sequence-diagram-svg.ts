import { html, type SafeHtml } from '../../../html/html.js';
import type { Participant } from '../exchange/exchange.js';
import type { DiagramStep, SequenceDiagram } from '../content/flow-content.js';
import type { StepState } from '../flows/flow-run.js';

/** How each step is drawn, by step id: not yet run, run, or run with an error; `fresh` ones were just lit. */
export interface DiagramState {
  steps: ReadonlyMap<string, StepState>;
  fresh: readonly string[];
}

const WIDTH = 1000;
const SIDE_MARGIN = 110;
const ACTOR_TOP = 12;
const ACTOR_HEIGHT = 46;
const ACTOR_WIDTH = 168;
const LINE_HEIGHT = 16;
/** A rough width of one character at the label's font size, to keep labels inside the picture. */
const CHAR_WIDTH = 6.6;

function laneX(participants: readonly Participant[], participant: Participant): number {
  const index = participants.indexOf(participant);
  if (index < 0) throw new Error(`${participant} is not in this diagram`);
  return participants.length === 1 ? WIDTH / 2 : Math.round(SIDE_MARGIN + (index * (WIDTH - 2 * SIDE_MARGIN)) / (participants.length - 1));
}

function stepClass(state: StepState | undefined, freshIndex: number): string {
  const base = state === undefined ? 'is-pending' : state === 'failed' ? 'is-failed' : 'is-done';
  return freshIndex < 0 ? `seq-step ${base}` : `seq-step ${base} is-fresh delay-${Math.min(freshIndex, 5)}`;
}

function stepGroup(diagram: SequenceDiagram, step: DiagramStep, top: number, state: DiagramState): { svg: SafeHtml; bottom: number } {
  const from = laneX(diagram.participants, step.from);
  const to = laneX(diagram.participants, step.to);
  const direction = to > from ? 1 : -1;
  const longest = Math.max(...step.lines.map((line, i) => (i === 0 ? `${step.number}. ${line}` : line).length));
  const halfWidth = Math.round((longest * CHAR_WIDTH) / 2);
  // Centered over the arrow, but never cut off at the picture's edges.
  const labelX = Math.round(Math.min(Math.max((from + to) / 2, halfWidth + 8), WIDTH - halfWidth - 8));
  const arrowY = top + step.lines.length * LINE_HEIGHT + 10;
  const badgeX = from + direction * 2;
  const lines = step.lines.map((line, i) => html`<tspan x="${labelX}" dy="${i === 0 ? 0 : LINE_HEIGHT}">${i === 0 ? html`<tspan class="seq-num">${step.number}.</tspan> ` : ''}${line}</tspan>`);
  const svg = html`<a href="#step-${step.id}" id="diagram-step-${step.id}" data-step-id="${step.id}" data-step="${step.number}" class="${stepClass(state.steps.get(step.id), state.fresh.indexOf(step.id))}">
<title>Step ${step.number}: ${step.from} → ${step.to}. Show the HTTP exchange.</title>
<rect class="seq-hit" x="${Math.min(from, to, labelX - halfWidth) - 16}" y="${top - 14}" width="${Math.max(Math.abs(to - from), halfWidth * 2) + 32}" height="${arrowY - top + 26}" rx="8"/>
<text class="seq-label" x="${labelX}" y="${top}" text-anchor="middle">${lines}</text>
<line class="seq-arrow" x1="${badgeX + direction * 12}" y1="${arrowY}" x2="${to - direction * 4}" y2="${arrowY}"/>
<circle class="seq-badge" cx="${badgeX}" cy="${arrowY}" r="11"/>
<text class="seq-badge-text" x="${badgeX}" y="${arrowY + 4}" text-anchor="middle">${step.number}</text>
</a>`;
  return { svg, bottom: arrowY + 26 };
}

/**
 * A sequence diagram drawn as SVG, in the manner of the tutorial's mermaid diagrams: one lane per
 * participant, one numbered arrow per step. Each step links to its exchange below the picture;
 * colors come from the stylesheet (no inline styles, for the CSP).
 */
export function sequenceDiagramSvg(diagram: SequenceDiagram, state: DiagramState, subtitles: Partial<Record<Participant, string>>): SafeHtml {
  let y = ACTOR_TOP + ACTOR_HEIGHT + 34;
  const groups: SafeHtml[] = [];
  for (const step of diagram.steps) {
    const drawn = stepGroup(diagram, step, y, state);
    groups.push(drawn.svg);
    y = drawn.bottom + 12;
  }
  const height = y + 4;
  const actors = diagram.participants.map((participant) => {
    const x = laneX(diagram.participants, participant);
    const subtitle = subtitles[participant];
    return html`<g class="seq-actor">
<line class="seq-lifeline" x1="${x}" y1="${ACTOR_TOP + ACTOR_HEIGHT}" x2="${x}" y2="${height - 6}"/>
<rect x="${x - ACTOR_WIDTH / 2}" y="${ACTOR_TOP}" width="${ACTOR_WIDTH}" height="${ACTOR_HEIGHT}" rx="10"/>
<text class="seq-actor-name" x="${x}" y="${ACTOR_TOP + (subtitle ? 20 : 28)}" text-anchor="middle">${participant}</text>
${subtitle ? html`<text class="seq-actor-sub" x="${x}" y="${ACTOR_TOP + 36}" text-anchor="middle">${subtitle}</text>` : ''}
</g>`;
  });
  const marker = (name: string) => html`<marker id="arrow-${name}" class="seq-head-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>`;
  return html`<svg class="sequence-diagram" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="diagram-title" xmlns="http://www.w3.org/2000/svg">
<title id="diagram-title">Sequence diagram: ${diagram.steps.map((step) => `${step.number}. ${step.from} to ${step.to}`).join('; ')}</title>
<defs>${marker('pending')}${marker('done')}${marker('failed')}</defs>
${actors}
${groups}
</svg>`;
}
