import { html, type SafeHtml } from '../../../html/html.js';

/**
 * A block of code (JSON, HTTP) that may scroll inside its own box (pre.raw has a max height), under
 * a caption. A scrollable region must be reachable by keyboard (axe scrollable-region-focusable,
 * WCAG 2.1.1): tabindex="0", and a name (role="region" labelled by the caption) so that focus on it
 * says what it is.
 */
export function scrollableCode(id: string, caption: string, text: string): SafeHtml {
  return html`<figure class="raw-figure"><figcaption id="${id}-caption">${caption}</figcaption><pre class="code raw" id="${id}" tabindex="0" role="region" aria-labelledby="${id}-caption">${text}</pre></figure>`;
}
