import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { PROOF_PARAMETER, SignInProofs, withoutProof } from '../../src/interaction/sign-in-proof.js';

const SECRET = 'a server secret of at least thirty-two bytes';
const QUERY = 'response_type=code&client_id=rp&scope=openid&prompt=login&state=s+1';

function proofs(clock = new ManualClock(1_800_000_000), secrets = ServerSecrets.from([SECRET])) {
  return { clock, proofs: new SignInProofs(secrets, clock) };
}

function queryOf(returnTo: string): string {
  return returnTo.slice('/authorize?'.length);
}

describe('proofs that the sign-in page was answered for one request', () => {
  it('prove what was done, for that session and that request, for five minutes', () => {
    const { clock, proofs: made } = proofs();
    const signedIn = queryOf(made.attach(`/authorize?${QUERY}`, 'signed-in', 'sid-1'));
    expect(new URLSearchParams(signedIn).get(PROOF_PARAMETER)).toMatch(/^a\.\d+\.[\w-]+$/);
    expect(made.verify(signedIn, 'sid-1')).toBe('signed-in');
    expect(made.verify(queryOf(made.attach(`/authorize?${QUERY}`, 'account-chosen', 'sid-1')), 'sid-1')).toBe('account-chosen');
    // Another session (a new sign-in has a new sid), no session, another request: nothing proven.
    expect(made.verify(signedIn, 'sid-2')).toBeUndefined();
    expect(made.verify(signedIn, null)).toBeUndefined();
    expect(made.verify(signedIn.replace('prompt=login', 'prompt=consent'), 'sid-1')).toBeUndefined();
    clock.advance(300);
    expect(made.verify(signedIn, 'sid-1')).toBe('signed-in');
    clock.advance(1);
    expect(made.verify(signedIn, 'sid-1')).toBeUndefined();
  });

  it('accepts a proof made by an instance whose clock is up to a minute ahead', () => {
    const ahead = proofs(new ManualClock(1_800_000_060));
    const behind = proofs(new ManualClock(1_800_000_000));
    expect(behind.proofs.verify(queryOf(ahead.proofs.attach(`/authorize?${QUERY}`, 'signed-in', 'sid-1')), 'sid-1')).toBe('signed-in');
    const farAhead = proofs(new ManualClock(1_800_000_061));
    expect(behind.proofs.verify(queryOf(farAhead.proofs.attach(`/authorize?${QUERY}`, 'signed-in', 'sid-1')), 'sid-1')).toBeUndefined();
  });

  it('cannot be made by hand: a changed kind, time or tag, two proofs, or another server secret prove nothing', () => {
    const { proofs: made, clock } = proofs();
    const signedIn = queryOf(made.attach(`/authorize?${QUERY}`, 'account-chosen', 'sid-1'));
    const value = new URLSearchParams(signedIn).get(PROOF_PARAMETER) as string;
    const [, issuedAt, tag] = value.split('.');
    const forge = (proof: string) => `${withoutProof(signedIn)}&${PROOF_PARAMETER}=${encodeURIComponent(proof)}`;
    expect(made.verify(forge(value), 'sid-1')).toBe('account-chosen');
    expect(made.verify(forge(`a.${issuedAt}.${tag}`), 'sid-1')).toBeUndefined();
    expect(made.verify(forge(`s.${Number(issuedAt) + 1}.${tag}`), 'sid-1')).toBeUndefined();
    expect(made.verify(forge(`s.${issuedAt}.${tag}x`), 'sid-1')).toBeUndefined();
    expect(made.verify(forge(`s.${issuedAt}.${tag}.more`), 'sid-1')).toBeUndefined();
    expect(made.verify(`${signedIn}&${PROOF_PARAMETER}=${encodeURIComponent(value)}`, 'sid-1')).toBeUndefined();
    const other = proofs(clock, ServerSecrets.from(['another server secret, also 32 bytes or more']));
    expect(other.proofs.verify(signedIn, 'sid-1')).toBeUndefined();
    // A rotated secret (the old one second) still accepts proofs made just before the rotation.
    const rotated = proofs(clock, ServerSecrets.from(['the new server secret, 32 bytes or more', SECRET]));
    expect(rotated.proofs.verify(signedIn, 'sid-1')).toBe('account-chosen');
  });

  it('replaces an old proof instead of adding a second one, and leaves other URLs alone', () => {
    const { proofs: made } = proofs();
    const once = made.attach(`/authorize?${QUERY}`, 'signed-in', 'sid-1');
    const twice = made.attach(once, 'signed-in', 'sid-2');
    expect(new URLSearchParams(queryOf(twice)).getAll(PROOF_PARAMETER)).toHaveLength(1);
    expect(made.verify(queryOf(twice), 'sid-2')).toBe('signed-in');
    expect(made.attach('/', 'signed-in', 'sid-1')).toBe('/');
  });
});
