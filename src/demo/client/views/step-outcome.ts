import { html, type SafeHtml } from '../../../html/html.js';
import type { DiagramStep } from '../content/flow-content.js';
import { explainError } from '../content/oauth-errors.js';
import { rfcHref, rfcLabel, type RfcReference } from '../content/references.js';
import { errorIn } from '../exchange/exchange-error.js';
import type { Exchange } from '../exchange/exchange.js';
import type { StepRecord } from '../flows/flow-run.js';

export function rfcLinks(refs: readonly RfcReference[]): SafeHtml {
  return html`${refs.map((reference) => html`<a class="rfc" href="${rfcHref(reference)}" rel="noreferrer" target="_blank">${rfcLabel(reference)}</a> `)}`;
}

/** A failed step's line in its summary, in place of the tutorial's caption (which told of success). */
export function failedHeadline(record: StepRecord): string {
  // A message the Client refused carries no answer of the Auth Server's: only the Client's reason.
  if (record.rejectedByClient) return record.problem ?? 'The Client did not accept this callback.';
  const error = errorIn(record.exchange, record.part);
  if (error) return `Refused: ${error.code}${error.description ? ` (${error.description})` : ''}`;
  if (record.problem) return record.problem;
  const status = record.exchange.response?.status;
  return status === undefined ? 'This step failed.' : `This step failed: HTTP ${status}.`;
}

/**
 * The error an exchange carries, what it means and what the Client should do next (content/oauth-errors.ts).
 * `rejectedByClient`: the Client refused the message, so its error parameters are unverified and not shown.
 */
export function errorExplanation(exchange: Exchange, part: 'request' | 'response', headline: string, rejectedByClient = false): SafeHtml {
  if (rejectedByClient) {
    return html`<section class="step-outcome is-failed" aria-label="What happened">
<h5>What happened</h5>
<p class="outcome-error">${headline}</p>
<p class="fine">Unverified, not from the Auth Server: whatever error this request carries is not shown, since it failed the Client's checks and anyone could have written it.</p>
</section>`;
  }
  const error = errorIn(exchange, part);
  const explanation = error ? explainError(error.code) : undefined;
  const what = error
    ? html`<p class="outcome-error"><code>error=${error.code}</code>${error.description ? html` <span class="outcome-description">error_description: “${error.description}”</span>` : ''}</p>`
    : html`<p class="outcome-error">${headline}</p>`;
  const meaning = explanation
    ? html`<dl class="outcome-meaning"><dt>What it means</dt><dd>${explanation.meaning}</dd><dt>What the Client should do next</dt><dd>${explanation.next} ${rfcLinks(explanation.refs)}</dd></dl>`
    : error
      ? html`<p class="fine">An error code this playground does not explain; its error_description, if any, says more.</p>`
      : html``;
  return html`<section class="step-outcome is-failed" aria-label="What happened">
<h5>What happened</h5>
${what}
${meaning}
</section>`;
}

/**
 * What a failed step shows instead of its success notes: the error, what it means, what the
 * Client should do next, and the tutorial's caption, greyed, as what it expected.
 */
export function failedOutcome(step: DiagramStep, record: StepRecord): SafeHtml {
  return html`${errorExplanation(record.exchange, record.part, failedHeadline(record), record.rejectedByClient)}
<p class="tutorial-expected"><span class="tutorial-expected-label">What the tutorial expected:</span> ${step.tutorialLines.join(' ')}</p>`;
}

/** The line under a step's title that says the step corrects the tutorial, visible while the card is closed. */
export function correctionFlag(step: DiagramStep): SafeHtml {
  if (step.corrections.length === 0) return html``;
  const first = step.corrections[0]?.refs[0];
  return html`<span class="step-correction-flag">The tutorial says otherwise here${first ? html`: see ${rfcLabel(first)}` : ''}</span>`;
}

/** "The tutorial says …; RFC … says …", at the step where the correction happens (issue 15 §5). */
export function correctionCallouts(step: DiagramStep): SafeHtml {
  return html`${step.corrections.map((correction) => html`<aside class="tutorial-correction" aria-label="The tutorial versus the RFC">
<p class="correction-title">The tutorial versus the RFC</p>
<p><strong>The tutorial says:</strong> ${correction.tutorial}</p>
<p><strong>${correction.refs.map(rfcLabel).join(', ')} says:</strong> ${correction.rfc} ${rfcLinks(correction.refs)}</p>
</aside>`)}`;
}
