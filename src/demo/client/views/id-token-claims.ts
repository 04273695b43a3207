import { html, type SafeHtml } from '../../../html/html.js';
import { isRepresentableTime } from './claim-time.js';

/** What each ID token claim proves to the Client (OpenID Connect Core §2 and §3.1.3.7), in words. */
const CLAIM_MEANINGS: readonly { claim: string; proves: string }[] = [
  { claim: 'iss', proves: 'Who issued it. The Client checked it equals the Auth Server it discovered (Core §3.1.3.7, check 2): a token from any other issuer is refused.' },
  { claim: 'sub', proves: 'Who you are at this Auth Server: an identifier that is never reassigned. The Client keys your account on iss + sub, never on your email.' },
  { claim: 'aud', proves: 'Whom it is for: this Client\'s client_id (Core §3.1.3.7, check 3). An ID token issued to another app cannot be replayed here.' },
  { claim: 'exp', proves: 'Until when the Client may accept it (Core §3.1.3.7, check 9). It proves a sign-in; the Client\'s own session is its business.' },
  { claim: 'iat', proves: 'When it was issued (Core §3.1.3.7, check 10): a Client may refuse tokens issued too long ago.' },
  { claim: 'auth_time', proves: 'When you actually typed your password. A Client that needs a recent sign-in compares it with max_age.' },
  { claim: 'nonce', proves: 'The random value the Client kept in its session before sending you away (Core §3.1.3.7, check 11): this token answers this very request, it is not a replayed one.' },
  { claim: 'at_hash', proves: 'The left half of the SHA-256 of the access token issued with it (Core §3.1.3.6): the two belong together, so no other access token can be slipped in.' },
  { claim: 'sid', proves: 'Your session at the Auth Server. A back-channel logout token names it, so a Client knows which of its sessions to end.' },
  { claim: 'amr', proves: 'How you authenticated: pwd means a password.' },
  { claim: 'azp', proves: 'The authorized party, needed only when aud names several audiences (Core §2). Tessera issues one audience, the client, so it is absent, as it should be.' },
];

function display(claim: string, value: unknown): string {
  if (value === undefined) return '(absent)';
  if ((claim === 'exp' || claim === 'iat' || claim === 'auth_time') && isRepresentableTime(value)) {
    return `${value} (${new Date(value * 1000).toISOString()})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The ID token's claims one by one, each with what it proves; claims beyond the list are shown after. */
export function idTokenClaimsTable(payload: Readonly<Record<string, unknown>>): SafeHtml {
  const known = new Set(CLAIM_MEANINGS.map((meaning) => meaning.claim));
  const others = Object.keys(payload).filter((claim) => !known.has(claim));
  return html`<table class="kv id-token-claims" aria-label="ID token claims"><thead><tr><th scope="col">claim</th><th scope="col">value</th><th scope="col">what it proves</th></tr></thead><tbody>
${CLAIM_MEANINGS.map(({ claim, proves }) => html`<tr data-claim="${claim}"><th scope="row"><code>${claim}</code></th><td><code>${display(claim, payload[claim])}</code></td><td>${proves}</td></tr>`)}
${others.map((claim) => html`<tr data-claim="${claim}"><th scope="row"><code>${claim}</code></th><td><code>${display(claim, payload[claim])}</code></td><td>Asked for with the claims parameter.</td></tr>`)}
</tbody></table>`;
}

/** The UserInfo answer: the claims the user allowed (profile, email), by name. */
export function userInfoTable(claims: Readonly<Record<string, unknown>>): SafeHtml {
  return html`<table class="kv userinfo-claims" aria-label="UserInfo claims"><tbody>
${Object.entries(claims).map(([claim, value]) => html`<tr data-claim="${claim}"><th scope="row"><code>${claim}</code></th><td><code>${display(claim, value)}</code></td></tr>`)}
</tbody></table>`;
}
