import { describe, expect, it } from 'vitest';
import { InvalidUserClaims, validateUserClaims, withUpdatedAt } from '../../src/oidc/standard-claims.js';

describe('users\' standard claims (OpenID Connect Core 5.1)', () => {
  it('accepts every settable claim with its type', () => {
    const claims = {
      name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', middle_name: 'P', nickname: 'Al', preferred_username: 'alice',
      profile: 'https://alice.example/me', picture: 'https://alice.example/me.png', website: 'http://alice.example', email: 'alice@example.com',
      email_verified: true, gender: 'female', birthdate: '0000-05-04', zoneinfo: 'Europe/London', locale: 'en-GB',
      phone_number: '+1 (425) 555-1212;ext=5678', phone_number_verified: false,
      address: { formatted: '1 Wonder Lane\nOxford', street_address: '1 Wonder Lane', locality: 'Oxford', region: 'Oxon', postal_code: 'OX1', country: 'GB' },
    };
    expect(validateUserClaims(claims)).toEqual(claims);
    expect(validateUserClaims({ birthdate: '1865' })).toEqual({ birthdate: '1865' });
  });

  it.each([
    ['an unknown claim', { shoe_size: '42' }],
    ['updated_at, which the server maintains', { updated_at: 1 }],
    ['sub', { sub: 'x' }],
    ['a boolean given as a string', { email_verified: 'true' }],
    ['a string given as a number', { name: 42 }],
    ['an empty string', { name: '' }],
    ['a picture that is not an http(s) URL', { picture: 'javascript:alert(1)' }],
    ['an email without @', { email: 'alice' }],
    ['a birthdate in another format', { birthdate: '04/05/1865' }],
    ['a locale that is not a language tag', { locale: 'en GB' }],
    ['an address that is a string', { address: 'Oxford' }],
    ['an address with an unknown member', { address: { planet: 'Earth' } }],
    ['an empty address', { address: {} }],
    ['a control character', { name: 'Alice\u0000' }],
    ['not an object', ['name']],
  ])('refuses %s', (_name, claims) => {
    expect(() => validateUserClaims(claims)).toThrow(InvalidUserClaims);
  });

  it('maintains updated_at: set when the claims change, kept when they do not', () => {
    const first = withUpdatedAt({}, { name: 'Alice' }, 100);
    expect(first).toEqual({ name: 'Alice', updated_at: 100 });
    expect(withUpdatedAt(first, { name: 'Alice' }, 200)).toEqual({ name: 'Alice', updated_at: 100 });
    expect(withUpdatedAt(first, { name: 'Alice L.' }, 300)).toEqual({ name: 'Alice L.', updated_at: 300 });
    // Member order does not count as a change.
    const address = withUpdatedAt({}, { address: { locality: 'Oxford', country: 'GB' } }, 100);
    expect(withUpdatedAt(address, { address: { country: 'GB', locality: 'Oxford' } }, 200).updated_at).toBe(100);
    // Removing every claim is a change too; none before and none now stays empty.
    expect(withUpdatedAt(first, {}, 400)).toEqual({ updated_at: 400 });
    expect(withUpdatedAt({}, {}, 400)).toEqual({});
  });
});
