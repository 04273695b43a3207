import { describe, expect, it } from 'vitest';
import { checkAuthentication, type AuthenticationFacts } from '../../src/oidc/authentication-check.js';
import type { OpenIdRequest } from '../../src/oidc/openid-request.js';

const NOW = 1_800_000_000;
const ALICE: AuthenticationFacts = { userId: 'alice-id', authTime: NOW - 600, now: NOW };

function openid(extra: Partial<OpenIdRequest> = {}): OpenIdRequest {
  return { nonce: undefined, claims: undefined, prompt: [], ...extra };
}

describe('whether a session\'s sign-in satisfies an OpenID request (Core 3.1.2.1, 3.1.2.3)', () => {
  it('a plain OAuth 2 request or an OpenID request without conditions: any session', () => {
    expect(checkAuthentication(undefined, ALICE)).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid(), ALICE)).toEqual({ outcome: 'authenticated' });
  });

  it('prompt=login asks for a sign-in until the user signed in for this request', () => {
    expect(checkAuthentication(openid({ prompt: ['login'] }), ALICE)).toEqual({ outcome: 'sign-in-again', reason: 'login' });
    expect(checkAuthentication(openid({ prompt: ['login'] }), { ...ALICE, proof: 'account-chosen' })).toEqual({ outcome: 'sign-in-again', reason: 'login' });
    expect(checkAuthentication(openid({ prompt: ['login'] }), { ...ALICE, authTime: NOW, proof: 'signed-in' })).toEqual({ outcome: 'authenticated' });
  });

  it('max_age: a sign-in older than it is refreshed, one as old passes, 0 means always; prompt=none answers login_required', () => {
    expect(checkAuthentication(openid({ maxAge: 600 }), ALICE)).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ maxAge: 599 }), ALICE)).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(openid({ maxAge: 0 }), { ...ALICE, authTime: NOW - 1 })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(openid({ maxAge: 0 }), { ...ALICE, authTime: NOW })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(openid({ maxAge: 0 }), { ...ALICE, authTime: NOW - 1, proof: 'signed-in' })).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ maxAge: 60 }), { ...ALICE, authTime: null })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    const silent = checkAuthentication(openid({ maxAge: 60, prompt: ['none'] }), ALICE);
    expect(silent.outcome === 'error' && silent.error.error).toBe('login_required');
  });

  it('an id_token_hint for another user: sign in as them; login_required with prompt=none or once signed in for this request', () => {
    const other = { ...ALICE, hintSubject: 'bob-id' };
    expect(checkAuthentication(openid(), other)).toEqual({ outcome: 'sign-in-again', reason: 'other-user' });
    for (const verdict of [checkAuthentication(openid({ prompt: ['none'] }), other), checkAuthentication(openid(), { ...other, authTime: NOW, proof: 'signed-in' })]) {
      expect(verdict.outcome === 'error' && verdict.error.error).toBe('login_required');
    }
    expect(checkAuthentication(openid({ prompt: ['none'] }), { ...ALICE, hintSubject: 'alice-id' })).toEqual({ outcome: 'authenticated' });
  });

  it('select_account: the account choice first, satisfied by choosing or by signing in', () => {
    expect(checkAuthentication(openid({ prompt: ['select_account'] }), ALICE)).toEqual({ outcome: 'choose-account' });
    expect(checkAuthentication(openid({ prompt: ['select_account'] }), { ...ALICE, proof: 'account-chosen' })).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ prompt: ['select_account'] }), { ...ALICE, authTime: NOW, proof: 'signed-in' })).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ prompt: ['select_account', 'login'] }), { ...ALICE, proof: 'account-chosen' })).toEqual({ outcome: 'sign-in-again', reason: 'login' });
  });

  it('a session with no auth_time must sign in for any OpenID request (never an invented auth_time); prompt=none: login_required', () => {
    expect(checkAuthentication(openid(), { ...ALICE, authTime: null })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(openid({ prompt: ['none'] }), { ...ALICE, authTime: null })).toMatchObject({ outcome: 'error' });
    expect(checkAuthentication(openid(), { ...ALICE, authTime: null, proof: 'signed-in' })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(undefined, { ...ALICE, authTime: null })).toEqual({ outcome: 'authenticated' });
  });

  it('a sign-in proof only covers a sign-in of the last few minutes: a replayed one does not satisfy max_age or prompt=login', () => {
    expect(checkAuthentication(openid({ maxAge: 0 }), { ...ALICE, authTime: NOW - 30, proof: 'signed-in' })).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ maxAge: 60 }), { ...ALICE, authTime: NOW - 400, proof: 'signed-in' })).toEqual({ outcome: 'sign-in-again', reason: 'max-age' });
    expect(checkAuthentication(openid({ prompt: ['login'] }), { ...ALICE, authTime: NOW - 30, proof: 'signed-in' })).toEqual({ outcome: 'authenticated' });
    expect(checkAuthentication(openid({ prompt: ['login'] }), { ...ALICE, authTime: NOW - 400, proof: 'signed-in' })).toEqual({ outcome: 'sign-in-again', reason: 'login' });
  });
});
