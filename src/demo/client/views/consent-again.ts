import { html, type SafeHtml } from '../../../html/html.js';
import { CONSENT_AGAIN } from '../content/shared-copy.js';

/**
 * Near the Start of a page whose flow asks for consent: the Auth Server remembers a consent and
 * skips its page, so the deny-consent failure (access_denied) is reachable again only after the
 * user withdraws the client's access on the Auth Server's account page (/account).
 */
export function consentAgainHint(authorizationServer: string): SafeHtml {
  return html`<p class="fine consent-again">${CONSENT_AGAIN.before} <a href="${new URL('/account', authorizationServer).href}" rel="noreferrer" target="_blank">${CONSENT_AGAIN.link}</a>.</p>`;
}
