import { html, type SafeHtml } from '../../../html/html.js';

export function expiryNote(accessTokenTtl: number): SafeHtml {
  return html`<span class="fine">Access tokens of this demo live ${accessTokenTtl} s; the Refresh Token page's expire sooner, so that you can watch one expire.</span>`;
}
