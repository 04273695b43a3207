import { PROOF_SKEW_SECONDS } from '../oidc/authentication-check.js';
import { createHmac } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { hashesEqual } from '../core/secret-hash.js';
import type { ServerSecrets } from '../core/server-secrets.js';

/**
 * What the person at the browser just did for one authorization request: signed in with their
 * password (`signed-in`, what prompt=login, max_age and an id_token_hint for someone else need),
 * or chose to go on with the account already signed in (`account-chosen`, what select_account needs).
 */
export type InteractionProof = 'signed-in' | 'account-chosen';

/** The query parameter that carries the proof from the sign-in page back to /authorize and through the consent form. */
export const PROOF_PARAMETER = 'tessera_interaction';

/**
 * Long enough to read a consent page; after that, the request asks again. Not single-use (no state
 * is stored for it, so no anonymous caller grows the database): a replay within this time is bounded
 * because a 'signed-in' proof only counts while the session's own auth_time is as recent
 * (oidc/authentication-check.ts PROOF_SKEW_SECONDS, the same 5 minutes).
 */
const PROOF_LIFETIME_SECONDS = PROOF_SKEW_SECONDS;
/** Instances behind one issuer may disagree on the time by this much; a proof from further ahead is refused. */
const CLOCK_SKEW_SECONDS = 60;
const KIND_CODES: Record<InteractionProof, string> = { 'signed-in': 'a', 'account-chosen': 's' };

/** The authorization request's parameters without any proof, in one canonical serialization (what a proof is bound to). */
export function withoutProof(query: string): string {
  const params = new URLSearchParams(query);
  params.delete(PROOF_PARAMETER);
  return params.toString();
}

/**
 * Proofs that the sign-in page was answered for one authorization request, so that /authorize
 * does not send a user who just signed in (prompt=login, max_age) straight back to the sign-in
 * page, in a loop. The sign-in route adds one to the /authorize URL it redirects to: an HMAC, under
 * a key derived from the server secret, of what was done, when, the session's sid (new at every
 * sign-in, so a proof is worthless in another session or after signing in again) and the request's
 * parameters (so it proves nothing for another request). Nobody at the browser can make one without
 * doing what it says, so a signed-in browser left unattended cannot skip prompt=login by editing a URL.
 */
export class SignInProofs {
  private readonly keys: readonly Buffer[];

  constructor(secrets: ServerSecrets, private readonly clock: Clock) {
    this.keys = secrets.keys('sign-in proof');
  }

  /** `/authorize?<query>` with a proof that the session `sid` did `kind` for that request now; any other URL unchanged. */
  attach(returnTo: string, kind: InteractionProof, sid: string): string {
    const prefix = '/authorize?';
    if (!returnTo.startsWith(prefix)) return returnTo;
    const query = withoutProof(returnTo.slice(prefix.length));
    const issuedAt = this.clock.nowSeconds();
    const proof = `${KIND_CODES[kind]}.${issuedAt}.${mac(this.keys[0] as Buffer, kind, issuedAt, sid, query)}`;
    return `${prefix}${query}&${new URLSearchParams({ [PROOF_PARAMETER]: proof }).toString()}`;
  }

  /** What the query's proof says the session `sid` did for this request, if it is genuine and recent. */
  verify(query: string, sid: string | null): InteractionProof | undefined {
    const proofs = new URLSearchParams(query).getAll(PROOF_PARAMETER);
    if (sid === null || proofs.length !== 1) return undefined;
    const [code, issuedAtText, tag, extra] = (proofs[0] as string).split('.');
    const kind = (Object.keys(KIND_CODES) as InteractionProof[]).find((candidate) => KIND_CODES[candidate] === code);
    if (kind === undefined || tag === undefined || extra !== undefined || !/^\d{1,12}$/.test(issuedAtText ?? '')) return undefined;
    const issuedAt = Number(issuedAtText);
    const age = this.clock.nowSeconds() - issuedAt;
    if (age < -CLOCK_SKEW_SECONDS || age > PROOF_LIFETIME_SECONDS) return undefined;
    const signed = withoutProof(query);
    // Constant-time, and under every accepted secret (the server secret can be rotated).
    let genuine = false;
    for (const key of this.keys) if (hashesEqual(mac(key, kind, issuedAt, sid, signed), tag)) genuine = true;
    return genuine ? kind : undefined;
  }
}

function mac(key: Buffer, kind: InteractionProof, issuedAt: number, sid: string, query: string): string {
  return createHmac('sha256', key).update(`${kind}\n${issuedAt}\n${sid}\n${query}`, 'utf8').digest('base64url');
}
