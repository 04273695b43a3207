import { html, type SafeHtml } from '../../../html/html.js';
import type { DemoUrls } from '../../demo-urls.js';
import { extraExchangeView } from '../views/exchange-view.js';
import { layout } from '../views/layout.js';
import { tokenExpiry, tokenLifeView } from '../views/token-life.js';
import { BREAK_IT_HOW, BREAK_IT_LEDE, BREAK_IT_TITLE, EXPERIMENTS, type ExperimentCopy } from './content.js';
import type { ExperimentResult } from './experiment.js';
import type { BreakItState } from './lab-session.js';

export const BREAK_IT_PATH = '/break-it';

/** A form posting one action with the session's CSRF token (as the grant pages' forms do). */
function postButton(action: string, csrf: string, label: string, secondary = false): SafeHtml {
  return html`<form method="post" action="${action}" class="action-form">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit"${secondary ? html` class="secondary"` : ''}>${label}</button>
</form>`;
}

const VERDICT = {
  held: { className: 'verdict-box is-held', text: 'The defence held.' },
  broken: { className: 'verdict-box is-broken alert', text: 'The defence did NOT hold.' },
  incomplete: { className: 'verdict-box is-incomplete', text: 'The experiment did not get as far as the defence.' },
  waiting: { className: 'verdict-box is-waiting', text: 'The defence has not been tested yet.' },
} as const;

/** What one run observed: the verdict from its checks, the checks in words, then every exchange. */
function resultView(copy: ExperimentCopy, result: ExperimentResult): SafeHtml {
  const verdict = VERDICT[result.verdict];
  return html`<div class="experiment-result" data-verdict="${result.verdict}">
<p class="${verdict.className}"${result.verdict === 'broken' ? html` role="alert"` : html` role="status"`}><strong>${verdict.text}</strong></p>
${result.checks.length > 0 ? html`<ul class="checks">${result.checks.map((check) => html`<li class="${check.held ? 'is-held' : 'is-broken'}"><span class="check-mark" aria-hidden="true">${check.held ? '✓' : '✗'}</span> ${check.held ? '' : html`<strong>Not held: </strong>`}${check.said}</li>`)}</ul>` : ''}
${result.problem ? html`<p class="alert">${result.problem}</p>` : ''}
${result.remarks.map((remark) => html`<p class="fine">${remark}</p>`)}
${result.link ? html`<p><a href="${result.link.href}" rel="noreferrer" target="_blank">${result.link.label}</a> <span class="fine">(you will see the same page)</span></p>` : ''}
<div class="extras" aria-label="${copy.title}: the exchanges">
${result.exchanges.map((seen) => extraExchangeView(seen.title, seen.exchange, seen.notes))}
</div>
</div>`;
}

function controls(copy: ExperimentCopy, state: BreakItState, csrf: string, now: number): SafeHtml {
  const action = `${BREAK_IT_PATH}/${copy.id}/${copy.signIn ? 'start' : 'run'}`;
  if (copy.id !== 'expired') return postButton(action, csrf, copy.button);
  const token = state.expiring;
  if (!token) return postButton(action, csrf, copy.button);
  const exp = tokenExpiry(token.accessToken) ?? token.expiresAt;
  // The same token-life markup as the grant pages (views/token-life.ts), so the page script's
  // countdown (browser/countdown.ts) ticks it and says "expired" at exp.
  return html`${tokenLifeView({ exp, now, offers: html``, expiredText: 'Call the Resource Server with it now, and see what it answers.' })}
${exp > now ? html`<p class="fine" data-hide-at-zero>Calling before it expires shows it still works.</p>` : ''}
<div class="experiment-actions">${postButton(`${BREAK_IT_PATH}/expired/call`, csrf, 'Call the Resource Server with it')}${postButton(action, csrf, 'Get a new 10 s token', true)}</div>`;
}

function experimentSection(copy: ExperimentCopy, state: BreakItState, csrf: string, now: number): SafeHtml {
  const result = state.results.get(copy.id);
  return html`<section class="panel experiment-card" id="${copy.id}" aria-labelledby="${copy.id}-title">
<h2 id="${copy.id}-title">${copy.title}</h2>
<p><strong>The attack.</strong> ${copy.attack}</p>
<p><strong>What the button does.</strong> ${copy.run}${copy.signIn ? html` <span class="fine">(Your browser goes to the Auth Server and back.)</span>` : ''}</p>
${controls(copy, state, csrf, now)}
${result ? resultView(copy, result) : ''}
<p class="defence"><strong>The defence.</strong> ${copy.defence} ${copy.cites.map((cite) => html`<a class="rfc" href="${cite.href}" rel="noreferrer" target="_blank">${cite.label}</a> `)}</p>
</section>`;
}

/** The Break it page: every experiment with its button and, once run, what really happened. */
export function breakItPage(urls: DemoUrls, state: BreakItState, csrf: string, now: number, problem?: string): string {
  const body = html`<main class="home break-it">
<div class="flow-head">
<h1>${BREAK_IT_TITLE}</h1>
<p class="lede">${BREAK_IT_LEDE}</p>
</div>
${problem ? html`<p class="alert" role="alert">${problem}</p>` : ''}
<section class="panel experiment-how" aria-labelledby="how-title">
<h2 id="how-title">How it works</h2>
<ul>${BREAK_IT_HOW.map((line) => html`<li>${line}</li>`)}</ul>
<nav aria-label="Experiments"><ol class="experiment-index">${EXPERIMENTS.map((copy) => html`<li><a href="#${copy.id}">${copy.title}</a></li>`)}</ol></nav>
${state.results.size > 0 ? postButton(`${BREAK_IT_PATH}/reset`, csrf, 'Clear the results', true) : ''}
</section>
${EXPERIMENTS.map((copy) => experimentSection(copy, state, csrf, now))}
</main>`;
  return layout({ title: BREAK_IT_TITLE, active: 'break-it', urls, body, scripts: ['/assets/playground.js'] });
}
