import type { ExperimentId } from './experiment.js';

/** A section of a specification the page cites, linked to its text. */
export interface Citation {
  label: string;
  href: string;
}

const rfc = (number: number, section?: string): Citation => ({
  label: section === undefined ? `RFC ${number}` : `RFC ${number} §${section}`,
  href: `https://www.rfc-editor.org/rfc/rfc${number}${section === undefined ? '' : `#section-${section}`}`,
});

/** The copy of one experiment: the attack, what the button does, and the defence, with its sources. */
export interface ExperimentCopy {
  id: ExperimentId;
  title: string;
  /** What an attacker tries, and why it would matter. */
  attack: string;
  /** What pressing the button does, for real. */
  run: string;
  button: string;
  /** What stops it, and where the RFCs say so. */
  defence: string;
  cites: readonly Citation[];
  /** Needs a code, so a trip to the Auth Server's sign-in (once) and back. */
  signIn: boolean;
}

export const BREAK_IT_TITLE = 'Break it';

export const BREAK_IT_LEDE = 'Each experiment below is an attack, or a mistake, run for real against the demo\'s Auth Server and Resource Server. The Client plays the attacker; every exchange is the real HTTP traffic, and the verdict comes from what the servers answered, not from this page\'s hopes.';

export const BREAK_IT_HOW = [
  'The experiments that need an authorization code send your browser to the Auth Server first, as the grant pages do. Sign in as alice (wonderland) and allow Break-it Lab once; after that the Auth Server remembers you and sends you straight back.',
  'Break-it Lab (playground-lab) is a confidential web client; Break-it Lab Service (playground-lab-service) gets short-lived client_credentials tokens for the Resource Server experiments. Both may introspect their own tokens (RFC 7662 §2.1).',
  'A green verdict means the defence held, checked against the answers shown. If a defence did not hold, the verdict says so in red.',
];

export const EXPERIMENTS: readonly ExperimentCopy[] = [
  {
    id: 'redirect-uri',
    title: 'A tampered redirect_uri',
    attack: 'An attacker sends you a real authorization link of a client you trust, with redirect_uri changed to their own site. If the Auth Server redirected there, your code (or at least an error with your state) would land with them.',
    run: 'The Client builds a valid authorization request for Break-it Lab with redirect_uri https://attacker.example/callback and sends it to the Auth Server from its server, without following redirects, to show the whole answer.',
    button: 'Send the tampered authorization request',
    defence: 'The Auth Server compares redirect_uri with the client\'s registered ones, exactly, before anything else. On a mismatch it must not redirect anywhere (not even with an error): it tells you, on its own page.',
    cites: [rfc(6749, '3.1.2'), rfc(6749, '4.1.2.1'), rfc(6749, '10.6'), rfc(9700, '4.1')],
    signIn: false,
  },
  {
    id: 'code-replay',
    title: 'A replayed authorization code',
    attack: 'An authorization code leaks (a log, a Referer, browser history) after the client used it. The attacker redeems it again.',
    run: 'After your sign-in, the Client redeems the code, introspects its access and refresh tokens, redeems the same code a second time, and introspects both tokens again.',
    button: 'Sign in, redeem the code twice',
    defence: 'A code is single-use: the second redemption is refused with invalid_grant. And since a replay means the code leaked, the tokens the first redemption issued are revoked too (RFC 6749 says SHOULD; Tessera does): their grant family is denied, so introspection answers {"active": false} for both while their exp is still ahead.',
    cites: [rfc(6749, '4.1.2'), rfc(6749, '10.5'), rfc(7662, '2.2')],
    signIn: true,
  },
  {
    id: 'wrong-state',
    title: 'A callback with the wrong state',
    attack: 'Cross-site request forgery at the redirect: an attacker makes your browser open the Client\'s callback with a code of their choosing (their own account\'s), so that you end up using their account, or they inject a stolen code.',
    run: 'The Client sends your browser to the Auth Server with a state it does not keep (as an attacker\'s link would carry), while your session remembers another one. When you come back, the Client checks the callback with oauth4webapi, as on every page.',
    button: 'Sign in, come back with a foreign state',
    defence: 'The Client binds each authorization request to your session with an unguessable state and refuses a callback whose state is not the one it sent. PKCE protects the token request as well; state stops the callback itself.',
    cites: [rfc(6749, '10.12'), rfc(9700, '4.7')],
    signIn: true,
  },
  {
    id: 'missing-verifier',
    title: 'A code without its code_verifier',
    attack: 'An attacker who intercepts or injects a code tries to redeem it. They do not have the code_verifier: it never left the client that started the flow.',
    run: 'After your sign-in, the Client redeems the code without code_verifier, then redeems it properly, with the verifier.',
    button: 'Sign in, redeem without the verifier',
    defence: 'The authorization request carried code_challenge = SHA-256(code_verifier). The token endpoint recomputes it from the verifier and refuses a missing or wrong one with invalid_grant. Tessera checks this before it marks the code used, so the failed attempt does not cost the rightful client its code.',
    cites: [rfc(7636, '4.6'), rfc(9700, '4.5'), rfc(9700, '2.1.1')],
    signIn: true,
  },
  {
    id: 'refresh-replay',
    title: 'A replayed old refresh token',
    attack: 'A refresh token is stolen. The client keeps refreshing (each refresh gives it a new one); later, the thief presents the stolen, retired one.',
    run: 'After your sign-in, the Client redeems the code (refresh token A), refreshes (A is retired, B issued), replays A at once, refreshes with B (C issued), replays A again, then introspects C and the current access token.',
    button: 'Sign in, rotate, replay',
    defence: 'Tessera rotates refresh tokens: a retired one presented again means two parties hold the grant, so the whole grant is revoked and the current tokens die with it. One exception keeps honest clients alive: the same client retrying the token it has just rotated, within the retry window (--refresh-retry-window, 30 s by default) and before it used the successor, gets the same new tokens again instead of new ones. Inside that window whoever holds the old token and the client\'s credentials gets that same pair; once the window closes, the replay revokes everything.',
    cites: [rfc(9700, '4.14.2'), rfc(9700, '2.2.2'), rfc(6749, '10.4'), rfc(7662, '2.2')],
    signIn: true,
  },
  {
    id: 'audience',
    title: 'A token for another resource',
    attack: 'A token issued for one API is presented to another: a malicious or compromised API replays the tokens its callers send it, or a client mixes up its tokens.',
    run: 'Break-it Lab Service asks for two tokens that differ only in resource: one for the demo Resource Server, one for https://print-shop.example/api (registered at the Auth Server, not run by the demo). It calls the demo Resource Server with each.',
    button: 'Get both tokens and call with each',
    defence: 'The token names its API in aud (RFC 8707 resource, RFC 9068 §4). The Resource Server accepts only tokens whose aud is itself, and answers any other with 401 invalid_token.',
    cites: [rfc(8707, '2'), rfc(9068, '4'), rfc(9700, '2.3'), rfc(6750, '3.1')],
    signIn: false,
  },
  {
    id: 'under-scoped',
    title: 'Under-scoped: a valid token without the scope',
    attack: 'A client with a read-only token tries to write.',
    run: 'Break-it Lab Service gets a token with scope read, reads with it (GET), then tries to add a resource (POST needs write).',
    button: 'Read, then write with a read-only token',
    defence: 'The Resource Server checks the token\'s scope for each operation. A valid token without the scope gets 403 with error="insufficient_scope" and the scope it needs in the challenge: asking the user for more may help, refreshing will not.',
    cites: [rfc(6750, '3.1'), rfc(6749, '3.3')],
    signIn: false,
  },
  {
    id: 'expired',
    title: 'Expired: a token past its exp',
    attack: 'A client (or whoever copied its token) keeps using an access token after it expired.',
    run: 'Break-it Lab Service gets a token that lives 10 s. Call the Resource Server with it after it expired (calling earlier shows it still works).',
    button: 'Get a 10 s token',
    defence: 'The token carries exp; the Resource Server compares it with its own clock and refuses an expired token with 401 and error="invalid_token" (not 403: the token itself is no good). The client should refresh it or get a new one. The Resource Server decides this alone, without calling the Auth Server.',
    cites: [rfc(6750, '3.1'), rfc(9068, '4'), rfc(6749, '5.1')],
    signIn: false,
  },
];

export function experimentCopy(id: ExperimentId): ExperimentCopy {
  const copy = EXPERIMENTS.find((experiment) => experiment.id === id);
  if (!copy) throw new Error(`no copy for experiment ${id}`);
  return copy;
}
