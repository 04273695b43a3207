import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../src/core/errors.js';
import { parseOpenIdRequest } from '../../src/oidc/openid-request.js';

describe('the OpenID part of an authorization request (OpenID Connect Core 3.1.2.1)', () => {
  it('exists only for a code request whose scope has openid', () => {
    expect(parseOpenIdRequest({}, ['read'], 'code')).toBeUndefined();
    expect(parseOpenIdRequest({ nonce: 'n' }, ['openid'], 'token')).toBeUndefined();
    expect(parseOpenIdRequest({ nonce: 'n-0S6_WzA2Mj' }, ['openid', 'profile'], 'code')).toEqual({ nonce: 'n-0S6_WzA2Mj', claims: undefined, prompt: [] });
  });

  it('reads prompt as a set of the Core values', () => {
    expect(parseOpenIdRequest({ prompt: 'consent login consent' }, ['openid'], 'code')?.prompt).toEqual(['consent', 'login']);
    expect(parseOpenIdRequest({ prompt: 'none' }, ['openid'], 'code')?.prompt).toEqual(['none']);
  });

  it('reads max_age, login_hint, id_token_hint and ui_locales', () => {
    const hint = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(parseOpenIdRequest({ max_age: '0', login_hint: 'alice', id_token_hint: hint, ui_locales: 'fr-CA en x_bad' }, ['openid'], 'code')).toMatchObject({
      maxAge: 0, loginHint: 'alice', idTokenHint: hint, uiLocales: ['fr-CA', 'en'],
    });
    expect(parseOpenIdRequest({ max_age: '3600' }, ['openid'], 'code')?.maxAge).toBe(3600);
  });

  it('ignores a login_hint that cannot be a username (Core: its use is the OP\'s choice) rather than failing', () => {
    expect(parseOpenIdRequest({ login_hint: 'a\u0007b' }, ['openid'], 'code')?.loginHint).toBeUndefined();
    expect(parseOpenIdRequest({ login_hint: 'x'.repeat(257) }, ['openid'], 'code')?.loginHint).toBeUndefined();
    expect(parseOpenIdRequest({ login_hint: '<b>alice</b>' }, ['openid'], 'code')?.loginHint).toBe('<b>alice</b>');
  });

  it.each([
    [{ request: 'eyJ.eyJ.sig' }, 'request_not_supported'],
    [{ request_uri: 'https://rp.example/r' }, 'request_uri_not_supported'],
    [{ registration: '{}' }, 'registration_not_supported'],
  ])('answers %j with %s (Core 3.1.2.6)', (params, error) => {
    expect(() => parseOpenIdRequest(params, ['openid'], 'code')).toThrow(expect.objectContaining({ error }));
  });

  it.each([
    [{ max_age: '-1' }],
    [{ max_age: '1.5' }],
    [{ max_age: 'soon' }],
    [{ max_age: '12345678901' }],
    [{ id_token_hint: 'not-a-jwt' }],
    [{ id_token_hint: 'a.b' }],
    [{ id_token_hint: `${'a'.repeat(16_400)}.b.c` }],
    [{ prompt: 'none consent' }],
    [{ prompt: 'none login' }],
    [{ prompt: 'none select_account' }],
    [{ prompt: 'create' }],
    [{ nonce: 'x'.repeat(513) }],
    [{ nonce: 'caf\u00e9' }],
    [{ claims: '{"userinfo": 1}' }],
  ])('refuses %j with invalid_request', (params) => {
    expect(() => parseOpenIdRequest(params, ['openid'], 'code')).toThrow(InvalidRequest);
  });
});
