import { describe, expect, it } from 'vitest';
import { releasedClaimNames, selectClaims } from '../../src/oidc/claims-selection.js';

const ALICE = {
  name: 'Alice Liddell', given_name: 'Alice', email: 'alice@example.com', email_verified: true, phone_number: '+44 20 7946 0000',
  address: { country: 'GB' }, updated_at: 1_700_000_000, locale: '',
};

describe('claims a grant releases (OpenID Connect Core 5.4, 5.5)', () => {
  it('maps each scope to its claims, and nothing for openid alone or unknown scopes', () => {
    expect(releasedClaimNames(['openid'], [])).toEqual([]);
    expect(releasedClaimNames(['openid', 'read'], [])).toEqual([]);
    expect(releasedClaimNames(['email'], [])).toEqual(['email', 'email_verified']);
    expect(releasedClaimNames(['phone'], [])).toEqual(['phone_number', 'phone_number_verified']);
    expect(releasedClaimNames(['address'], [])).toEqual(['address']);
    expect(releasedClaimNames(['profile'], [])).toEqual(expect.arrayContaining(['name', 'family_name', 'given_name', 'middle_name', 'nickname',
      'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at']));
    expect(releasedClaimNames(['profile'], [])).not.toContain('email');
  });

  it('adds claims asked for one by one, once, never sub', () => {
    expect(releasedClaimNames(['email'], ['email', 'phone_number', 'sub'])).toEqual(['email', 'email_verified', 'phone_number']);
  });

  it('selects the user\'s values, omitting claims the user has no value for (Core 5.3.2)', () => {
    expect(selectClaims(ALICE, releasedClaimNames(['profile', 'email'], []))).toEqual({
      name: 'Alice Liddell', given_name: 'Alice', updated_at: 1_700_000_000, email: 'alice@example.com', email_verified: true,
    });
    expect(selectClaims(ALICE, ['address', 'birthdate'])).toEqual({ address: { country: 'GB' } });
    expect(selectClaims({}, ['name'])).toEqual({});
  });
});
