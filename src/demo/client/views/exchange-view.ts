import { html, type SafeHtml } from '../../../html/html.js';
import type { DecodedJwt, Exchange, ExchangeRequest, ExchangeResponse, MessageBody, NameValue } from '../exchange/exchange.js';
import type { DiagramStep, SequenceDiagram } from '../content/flow-content.js';
import type { StepRecord } from '../flows/flow-run.js';
import { describeParameter } from './parameter-glossary.js';
import { isoTime, isRepresentableTime } from './claim-time.js';
import { exchangeRawView } from './exchange-raw.js';
import { correctionCallouts, correctionFlag, errorExplanation, failedHeadline, failedOutcome } from './step-outcome.js';

/** Where the playground stood to see an exchange: said on every card, so nothing looks more observed than it was. */
const VANTAGE: Record<Exchange['vantage'], string> = {
  client: 'Recorded by the Client\'s server, which sent or received this request.',
  browser: 'Recorded in your browser, by the single-page app\'s own JavaScript.',
  redirect: 'The Client sent your browser here. What followed stayed between your browser and the Auth Server: the Client cannot see it.',
};

function statusClass(status: number): string {
  return status < 300 ? 'status-ok' : status < 400 ? 'status-redirect' : 'status-error';
}

function nameValueTable(caption: string, rows: readonly NameValue[], className: string): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<table class="kv ${className}">
<caption>${caption}</caption>
<tbody>${rows.map((row) => {
    const meaning = describeParameter(row.name);
    return html`<tr${row.masked ? html` class="is-masked"` : ''}><th scope="row"><code>${row.name}</code></th><td><code${row.full ? html` title="${row.full}"` : ''}>${row.value}</code>${row.masked ? html` <span class="tag">masked</span>` : ''}${meaning ? html`<span class="meaning">${meaning}</span>` : ''}</td></tr>`;
  })}</tbody>
</table>`;
}

function bodyView(body: MessageBody | undefined, caption: string): SafeHtml {
  if (!body) return html``;
  if (body.type === 'form') return nameValueTable(`${caption} (application/x-www-form-urlencoded)`, body.params, 'params');
  const text = body.type === 'json' ? JSON.stringify(body.value, null, 2) : body.text;
  return html`<figure class="body"><figcaption>${caption}${body.type === 'json' ? ' (JSON)' : ''}</figcaption><pre class="code">${text}</pre></figure>`;
}

/** Claims whose values are times, in seconds since the epoch (RFC 7519 §4.1.4-4.1.6; OpenID Connect Core §2). */
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);


/** "in 4 min", "3 min ago", "in 45 s": a time relative to the page's clock. */
export function relativeTime(seconds: number, now: number): string {
  const delta = Math.round(seconds - now);
  if (delta === 0) return 'now';
  const size = Math.abs(delta);
  const amount = size < 90 ? `${size} s` : size < 90 * 60 ? `${Math.round(size / 60)} min` : size < 36 * 3600 ? `${Math.round(size / 3600)} h` : `${Math.round(size / 86400)} days`;
  return delta > 0 ? `in ${amount}` : `${amount} ago`;
}

/** A claim's value as the claims table shows it: times in ISO and relative to the page's clock. */
function claimValue(name: string, value: unknown, now: number): SafeHtml {
  if (TIME_CLAIMS.has(name) && isRepresentableTime(value)) {
    return html`<code>${value}</code> <time datetime="${isoTime(value)}">${isoTime(value)}</time> <span class="relative-time">(${relativeTime(value, now)})</span>`;
  }
  return html`<code>${typeof value === 'string' ? value : JSON.stringify(value)}</code>`;
}

/** A decoded JWT: header, payload, and each claim with its meaning and, for times, when that is. */
export function jwtView(jwt: DecodedJwt, now: number = Date.now() / 1000): SafeHtml {
  const { iat, exp } = jwt.payload;
  const lifetime = typeof exp === 'number' && typeof iat === 'number' ? exp - iat : undefined;
  const claims = Object.entries(jwt.payload).map(([name, value]) => {
    const meaning = describeParameter(name);
    return html`<tr data-claim="${name}"><th scope="row"><code>${name}</code></th><td>${claimValue(name, value, now)}${meaning ? html`<span class="meaning">${meaning}</span>` : ''}</td></tr>`;
  });
  return html`<section class="jwt" aria-label="Decoded JWT: ${jwt.source}">
<h5>Decoded JWT · ${jwt.source}</h5>
<div class="jwt-parts">
<figure><figcaption>Header</figcaption><pre class="code">${JSON.stringify(jwt.header, null, 2)}</pre></figure>
<figure><figcaption>Payload (claims)</figcaption><pre class="code">${JSON.stringify(jwt.payload, null, 2)}</pre></figure>
</div>
<table class="kv jwt-claims"><caption>The claims, one by one</caption><tbody>${claims}</tbody></table>
${isRepresentableTime(iat) && isRepresentableTime(exp) ? html`<p class="jwt-times">Issued <time datetime="${isoTime(iat)}">${isoTime(iat)}</time> (${relativeTime(iat, now)}), expires <time datetime="${isoTime(exp)}">${isoTime(exp)}</time> (${relativeTime(exp, now)})${lifetime !== undefined ? `: lives ${lifetime} s` : ''}.</p>` : ''}
<p class="fine">Decoded here to learn from it, not verified: a client treats an access token as opaque (RFC 9068 §6). The Resource Server verifies its ${String(jwt.header.alg ?? '')} signature with the Auth Server's published keys.</p>
</section>`;
}

export function requestView(request: ExchangeRequest, vantage: Exchange['vantage']): SafeHtml {
  if (request.text !== undefined) {
    return html`<div class="http http-request"><p class="http-line"><span class="http-kind">No HTTP request</span></p><p>${request.text}</p></div>`;
  }
  return html`<div class="http http-request">
<p class="http-line"><span class="http-kind">${request.kind ?? (vantage === 'redirect' ? 'Browser navigation' : 'Request')}</span> <span class="method">${request.method}</span> <span class="url">${request.url}</span></p>
${nameValueTable('Headers', request.headers, 'headers')}
${nameValueTable('Query parameters', request.query, 'params')}
${nameValueTable('Fragment parameters (after #: never sent to a server)', request.fragment ?? [], 'params')}
${bodyView(request.body, 'Body')}
</div>`;
}

export function responseView(response: ExchangeResponse): SafeHtml {
  return html`<div class="http http-response">
<p class="http-line"><span class="http-kind">Response</span> <span class="status ${statusClass(response.status)}">${response.status} ${response.statusText}</span></p>
${nameValueTable('Headers', response.headers, 'headers')}
${bodyView(response.body, 'Body')}
</div>`;
}

function exchangeNotes(notes: readonly string[]): SafeHtml {
  return notes.length === 0 ? html`` : html`<ul class="notes">${notes.map((note) => html`<li>${note}</li>`)}</ul>`;
}

/** The short summary chip of a lit step: the request line, or the status. */
function stepChip(record: StepRecord): SafeHtml {
  const { exchange, part } = record;
  if (part === 'response' && exchange.response) {
    return html`<span class="chip status ${statusClass(exchange.response.status)}">${exchange.response.status} ${exchange.response.statusText}</span>`;
  }
  if (exchange.request.text !== undefined) return html`<span class="chip">${exchange.request.method}</span>`;
  return html`<span class="chip">${exchange.request.method} ${new URL(exchange.request.url).pathname}</span>`;
}

/** What a step card needs besides its step: the diagram (to number the paired step) and the page's clock. */
export interface StepCardContext {
  diagram: SequenceDiagram;
  /** The page's clock, in seconds since the epoch: decoded times are shown relative to it. */
  now: number;
}

/** The other half of the exchange, in one line with a link to its step. */
function pairedLine(record: StepRecord, context: StepCardContext): SafeHtml {
  if (record.pairedStep === undefined) return html``;
  const { exchange } = record;
  const paired = context.diagram.steps.find((step) => step.id === record.pairedStep);
  if (!paired) return html``;
  const link = html`<a href="#step-${paired.id}">step ${paired.number}</a>`;
  if (record.part === 'request') {
    return exchange.response
      ? html`<p class="paired">The answer is ${link}: <strong>${exchange.response.status} ${exchange.response.statusText}</strong>.</p>`
      : html``;
  }
  return html`<p class="paired">Answering the request of ${link}: <code>${exchange.request.method} ${exchange.request.url}</code>.</p>`;
}

/** The id, number and data attributes every step card carries: `data-step-id` names it, `data-step` is its display number. */
function cardIdentity(step: DiagramStep): SafeHtml {
  return html`id="step-${step.id}" data-step-id="${step.id}" data-step="${step.number}"`;
}

/**
 * One numbered step below the diagram. A lit step shows its half of the real exchange (the
 * request for an arrow out, the response for the arrow back) with a link to the other half.
 */
export function stepCard(step: DiagramStep, record: StepRecord | undefined, open: boolean, context: StepCardContext): SafeHtml {
  const label = step.lines.join(' ');
  if (!record) {
    return html`<details class="step-card is-pending" ${cardIdentity(step)}>
<summary><span class="step-num">${step.number}</span><span class="step-title"><span class="step-arrow">${step.from} → ${step.to}</span><span class="step-label">${label}</span>${correctionFlag(step)}</span><span class="chip muted">not yet</span></summary>
<div class="step-body"><p class="muted">This step has not happened yet. Run the flow above and it lights up with its real HTTP exchange.</p>${correctionCallouts(step)}</div>
</details>`;
  }
  const { exchange } = record;
  const body = record.part === 'request' || !exchange.response
    ? html`${requestView(exchange.request, exchange.vantage)}${exchange.vantage === 'redirect' ? '' : pairedLine(record, context)}`
    : html`${responseView(exchange.response)}${pairedLine(record, context)}`;
  const jwts = record.part === 'response' || exchange.vantage === 'browser' ? exchange.jwts : [];
  const failed = record.state === 'failed';
  // A failed step does not keep the tutorial's caption of success as its title, nor its success notes;
  // what happened comes first, above the headers, the body and the raw view, where one opens the card.
  return html`<details class="step-card ${failed ? 'is-failed' : 'is-done'}" ${cardIdentity(step)}${open ? html` open` : ''}>
<summary><span class="step-num">${step.number}</span><span class="step-title"><span class="step-arrow">${step.from} → ${step.to}</span><span class="step-label">${failed ? failedHeadline(record) : label}</span>${correctionFlag(step)}</span>${stepChip(record)}</summary>
<div class="step-body">
${failed ? failedOutcome(step, record) : ''}
<p class="vantage">${VANTAGE[exchange.vantage]}</p>
${body}
${exchangeRawView(exchange, record.part === 'request' || !exchange.response ? 'request' : 'response')}
${jwts.map((jwt) => jwtView(jwt, context.now))}
${failed ? '' : exchangeNotes(record.notes)}
${correctionCallouts(step)}
</div>
</details>`;
}

/** An exchange outside the numbered steps, e.g. how the refresh story got its first tokens. */
export function extraExchangeView(title: string, exchange: Exchange, notes: readonly string[], now: number = Date.now() / 1000): SafeHtml {
  return html`<details class="step-card is-extra">
<summary><span class="step-num">${!exchange.response ? '→' : exchange.response.status < 400 ? '✓' : '!'}</span><span class="step-title"><span class="step-label">${title}</span></span>${exchange.response ? html`<span class="chip status ${statusClass(exchange.response.status)}">${exchange.response.status} ${exchange.response.statusText}</span>` : ''}</summary>
<div class="step-body">
${exchange.response && exchange.response.status >= 400 ? errorExplanation(exchange, 'response', `HTTP ${exchange.response.status}`) : ''}
${requestView(exchange.request, exchange.vantage)}
${exchange.response ? responseView(exchange.response) : ''}
${exchangeRawView(exchange, 'both')}
${exchange.jwts.map((jwt) => jwtView(jwt, now))}
${exchangeNotes(notes)}
</div>
</details>`;
}
