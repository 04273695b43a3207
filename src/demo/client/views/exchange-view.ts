import { html, type SafeHtml } from '../../../html/html.js';
import type { DecodedJwt, Exchange, ExchangeRequest, ExchangeResponse, MessageBody, NameValue } from '../exchange/exchange.js';
import type { StepRecord } from '../flows/flow-run.js';
import type { DiagramStep } from '../flows/sequence-diagrams.js';
import { describeParameter } from './parameter-glossary.js';
import { exchangeRawView } from './exchange-raw.js';

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

/** Seconds since the epoch as an ISO date, for iat and exp. */
function timeClaim(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000).toISOString().replace('.000Z', 'Z') : undefined;
}

export function jwtView(jwt: DecodedJwt): SafeHtml {
  const iat = timeClaim(jwt.payload.iat);
  const exp = timeClaim(jwt.payload.exp);
  const lifetime = typeof jwt.payload.exp === 'number' && typeof jwt.payload.iat === 'number' ? jwt.payload.exp - jwt.payload.iat : undefined;
  return html`<section class="jwt" aria-label="Decoded JWT: ${jwt.source}">
<h5>Decoded JWT · ${jwt.source}</h5>
<div class="jwt-parts">
<figure><figcaption>Header</figcaption><pre class="code">${JSON.stringify(jwt.header, null, 2)}</pre></figure>
<figure><figcaption>Payload (claims)</figcaption><pre class="code">${JSON.stringify(jwt.payload, null, 2)}</pre></figure>
</div>
${iat && exp ? html`<p class="jwt-times">Issued <time>${iat}</time>, expires <time>${exp}</time>${lifetime !== undefined ? ` (lives ${lifetime} s)` : ''}.</p>` : ''}
<p class="fine">Decoded here to learn from it, not verified: a client treats an access token as opaque (RFC 9068 §6). The Resource Server verifies its ${String(jwt.header.alg ?? '')} signature with the Auth Server's published keys.</p>
</section>`;
}

export function requestView(request: ExchangeRequest, vantage: Exchange['vantage']): SafeHtml {
  return html`<div class="http http-request">
<p class="http-line"><span class="http-kind">${vantage === 'redirect' ? 'Browser navigation' : 'Request'}</span> <span class="method">${request.method}</span> <span class="url">${request.url}</span></p>
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
  return html`<span class="chip">${exchange.request.method} ${new URL(exchange.request.url).pathname}</span>`;
}

/** The other half of the exchange, in one line with a link to its step. */
function pairedLine(record: StepRecord): SafeHtml {
  if (record.pairedStep === undefined) return html``;
  const { exchange } = record;
  if (record.part === 'request') {
    return exchange.response
      ? html`<p class="paired">The answer is <a href="#step-${record.pairedStep}">step ${record.pairedStep}</a>: <strong>${exchange.response.status} ${exchange.response.statusText}</strong>.</p>`
      : html``;
  }
  return html`<p class="paired">Answering the request of <a href="#step-${record.pairedStep}">step ${record.pairedStep}</a>: <code>${exchange.request.method} ${exchange.request.url}</code>.</p>`;
}

/**
 * One numbered step below the diagram. A lit step shows its half of the real exchange (the
 * request for an arrow out, the response for the arrow back) with a link to the other half.
 */
export function stepCard(step: DiagramStep, record: StepRecord | undefined, open: boolean): SafeHtml {
  const label = step.lines.join(' ');
  if (!record) {
    return html`<details class="step-card is-pending" id="step-${step.number}" data-step="${step.number}">
<summary><span class="step-num">${step.number}</span><span class="step-title"><span class="step-arrow">${step.from} → ${step.to}</span><span class="step-label">${label}</span></span><span class="chip muted">not yet</span></summary>
<div class="step-body"><p class="muted">This step has not happened yet. Run the flow above and it lights up with its real HTTP exchange.</p></div>
</details>`;
  }
  const { exchange } = record;
  const body = record.part === 'request' || !exchange.response
    ? html`${requestView(exchange.request, exchange.vantage)}${exchange.vantage === 'redirect' ? '' : pairedLine(record)}`
    : html`${responseView(exchange.response)}${pairedLine(record)}`;
  const jwts = record.part === 'response' || exchange.vantage === 'browser' ? exchange.jwts : [];
  return html`<details class="step-card ${record.state === 'failed' ? 'is-failed' : 'is-done'}" id="step-${step.number}" data-step="${step.number}"${open ? html` open` : ''}>
<summary><span class="step-num">${step.number}</span><span class="step-title"><span class="step-arrow">${step.from} → ${step.to}</span><span class="step-label">${label}</span></span>${stepChip(record)}</summary>
<div class="step-body">
<p class="vantage">${VANTAGE[exchange.vantage]}</p>
${body}
${exchangeRawView(exchange, record.part === 'request' || !exchange.response ? 'request' : 'response')}
${jwts.map(jwtView)}
${exchangeNotes(record.notes ?? [])}
</div>
</details>`;
}

/** An exchange outside the numbered steps, e.g. how the refresh story got its first tokens. */
export function extraExchangeView(title: string, exchange: Exchange, notes: readonly string[]): SafeHtml {
  return html`<details class="step-card is-extra">
<summary><span class="step-num">${!exchange.response ? '→' : exchange.response.status < 400 ? '✓' : '!'}</span><span class="step-title"><span class="step-label">${title}</span></span>${exchange.response ? html`<span class="chip status ${statusClass(exchange.response.status)}">${exchange.response.status} ${exchange.response.statusText}</span>` : ''}</summary>
<div class="step-body">
${requestView(exchange.request, exchange.vantage)}
${exchange.response ? responseView(exchange.response) : ''}
${exchangeRawView(exchange, 'both')}
${exchange.jwts.map(jwtView)}
${exchangeNotes(notes)}
</div>
</details>`;
}
