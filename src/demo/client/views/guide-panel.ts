import { html, type SafeHtml } from '../../../html/html.js';
import { rfcHref, rfcLabel, type GrantGuide, type GuidePoint } from '../flows/grant-guides.js';

function points(items: readonly GuidePoint[]): SafeHtml {
  return html`<ul>${items.map((point) => html`<li>${point.text} ${point.refs.map((reference) => html`<a class="rfc" href="${rfcHref(reference)}" rel="noreferrer" target="_blank">${rfcLabel(reference)}</a>`)}</li>`)}</ul>`;
}

/** The "Why / when to use / risks" panel beside a grant's diagram. */
export function guidePanel(guide: GrantGuide): SafeHtml {
  return html`<section class="panel guide" aria-labelledby="guide-title">
<h2 id="guide-title">Why, when, and the risks <span class="verdict verdict-${guide.verdict.tone}">${guide.verdict.label}</span></h2>
<h3>Why it exists</h3>
${points(guide.why)}
<h3>When to use it</h3>
${points(guide.when)}
<h3>Risks</h3>
${points(guide.risks)}
</section>`;
}
