import { html, type SafeHtml } from '../../../html/html.js';
import type { Exchange } from '../exchange/exchange.js';
import { curlCommand, rawRequest, rawResponse } from '../exchange/raw-http.js';


/** Which half of the exchange a card shows; an exchange outside the diagram shows both. */
export type RawPart = 'request' | 'response' | 'both';

function curlView(exchange: Exchange): SafeHtml {
  const curl = curlCommand(exchange.request);
  if (!curl.ok) return html`<p class="fine">${curl.reason}</p>`;
  const fragment = exchange.request.fragment?.length ? html` The fragment parameters are left out: a browser never sends them.` : '';
  const redirect = exchange.vantage === 'redirect' ? html` This was a browser navigation: curl gets the page the browser got, without your browser's cookies.` : '';
  // A request the browser sent to the Client replays a browser form or redirect: it needs the
  // browser's session cookie, which the command leaves out (the CSRF token is bound to it).
  const cookie = exchange.request.fromBrowser
    ? html`<p class="fine curl-cookie-caveat"><strong>Your browser sent this request to the Client, with its session cookie, which this command leaves out.</strong> Without it the Client refuses the request (a form's <code>csrf</code> token is bound to that session: 403) or finds no flow to continue. To replay it, add your browser's cookie for the Client (from its developer tools) with <code>-H 'Cookie: …'</code>.</p>`
    : '';
  return html`<figure class="raw-figure">
<figcaption>The request as a curl command <button type="button" class="copy-button secondary" data-copy-target="curl" hidden>Copy</button> <span class="copy-status" data-copy-status aria-live="polite"></span></figcaption>
<pre class="code raw" data-copy-source="curl" tabindex="0">${curl.command}</pre>
${curl.variables.length > 0
    ? html`<p class="fine">What the page masks is not in this command: the shell fills it in. Set ${curl.variables.map((variable, index) => html`${index > 0 ? '; ' : ''}<code>${variable.name}</code> to ${variable.meaning}`)} first, e.g. with <code>read -rs ${curl.variables[0]?.name ?? ''}</code>.${fragment}${redirect}</p>`
    : html`<p class="fine">Tokens and codes are written in full, as they were sent: the command works while they do.${fragment}${redirect}</p>`}
${cookie}
</figure>`;
}

/**
 * An exchange as raw HTTP/1.1 and as curl, in a closed <details> under its card. Rebuilt from the
 * recording (exchange/raw-http.ts), with the same secrets masked as the card above it.
 */
export function exchangeRawView(exchange: Exchange, part: RawPart): SafeHtml {
  const request = part !== 'response';
  const response = part !== 'request' && exchange.response;
  return html`<details class="raw-http">
<summary>Raw HTTP${request ? ' and curl' : ''}</summary>
${request ? html`<figure class="raw-figure"><figcaption>Request, as HTTP/1.1</figcaption><pre class="code raw" tabindex="0">${rawRequest(exchange.request)}</pre></figure>
${curlView(exchange)}` : ''}
${response ? html`<figure class="raw-figure"><figcaption>Response, as HTTP/1.1</figcaption><pre class="code raw" tabindex="0">${rawResponse(response)}</pre></figure>` : ''}
<p class="fine">Rebuilt from what the playground recorded: the headers that matter (Host added; Content-Length, User-Agent and the like left out), JSON re-indented, client secrets and passwords still masked.</p>
</details>`;
}
