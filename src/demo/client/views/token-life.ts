import { html, type SafeHtml } from '../../../html/html.js';
import { decodeJwt } from '../exchange/decode-jwt.js';
import { isoTime, isRepresentableTime } from './claim-time.js';

/**
 * The access token's exp claim (RFC 7519 §4.1.4), read from the token itself; undefined if it is not
 * a JWT or its exp is no time a Date can hold (a crafted token: no countdown from 1e20 s).
 */
export function tokenExpiry(accessToken: string | undefined): number | undefined {
  if (accessToken === undefined) return undefined;
  const exp = decodeJwt(accessToken, 'access token')?.payload.exp;
  return isRepresentableTime(exp) ? exp : undefined;
}


export interface TokenLifeInput {
  /** The token's exp claim, seconds since the epoch. */
  exp: number;
  /** The page's clock. */
  now: number;
  /** What the page offers once the token has expired: a new token, the refresh page, refreshing. */
  offers: SafeHtml;
  /** What the page says once it has expired; the default says the Resource Server will refuse it. */
  expiredText?: string;
}

/**
 * The access token's remaining life, from its real exp: the server renders the seconds left
 * by its clock; the page's script (browser/countdown.ts) counts down from there and, at zero,
 * shows the expired text and the offers instead. The Resource Server, not this countdown, decides.
 */
export function tokenLifeView(input: TokenLifeInput): SafeHtml {
  const secondsLeft = Math.max(0, Math.floor(input.exp - input.now));
  const expired = secondsLeft === 0;
  return html`<div class="token-life" data-token-life data-seconds-left="${secondsLeft}">
<p class="token-life-left" data-token-live${expired ? html` hidden` : ''}>The access token expires in <strong data-countdown>${secondsLeft}</strong> s, at <time datetime="${isoTime(input.exp)}">${isoTime(input.exp)}</time> (its <code>exp</code> claim).</p>
<div class="token-life-expired" data-token-expired${expired ? '' : html` hidden`}>
<p><strong>The access token has expired</strong> (its <code>exp</code> was <time datetime="${isoTime(input.exp)}">${isoTime(input.exp)}</time>). ${input.expiredText ?? `The Resource Server will refuse it with 401 invalid_token.${input.offers.value.trim() === '' ? '' : ' The way on is a new token:'}`}</p>
${input.offers}
</div>
</div>`;
}
