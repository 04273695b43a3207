import { html, type SafeHtml } from '../../../html/html.js';
import type { PlaygroundContext } from '../playground-context.js';
import type { ExchangeNotes } from './flow-run.js';

/** The Client's lane subtitle: what kind of client, and where it runs. */
export function clientLane(ctx: PlaygroundContext, kind: string): string {
  return `${kind} · :${new URL(ctx.urls.client).port}`;
}

export function expiryNote(accessTokenTtl: number): SafeHtml {
  return html`<span class="fine">Access tokens of this demo live ${accessTokenTtl} s; the Refresh Token page's expire sooner, so that you can watch one expire.</span>`;
}

/** What to notice in a token response. */
export function tokenResponseNotes(accessTokenTtl: number, extra: readonly string[] = []): string[] {
  return [
    'Cache-Control: no-store: a response with tokens must never be cached (RFC 6749 §5.1).',
    `The access token is a JWT (RFC 9068) meant for the Resource Server (aud), valid ${accessTokenTtl} s (expires_in).`,
    ...extra,
  ];
}

/** What to notice in a call to the Resource Server, for a token of a user or of the client itself. */
export function resourceServerNotes(owner: 'user' | 'client'): ExchangeNotes {
  return {
    request: ['The access token travels in the Authorization header as a Bearer token (RFC 6750 §2.1), never in the URL.'],
    response: [
      'The Resource Server verified the token locally: ES256 signature with the Auth Server\'s keys (jwks_uri), iss, aud, exp, and the scope this route needs.',
      owner === 'user'
        ? 'The token acts for a user (sub is the user\'s id), so the answer holds that user\'s resources.'
        : 'There is no user: sub is the client_id, so the answer holds the client\'s own resources.',
    ],
  };
}
