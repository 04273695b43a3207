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

  it.each([
    [{ prompt: 'none consent' }],
    [{ prompt: 'create' }],
    [{ nonce: 'x'.repeat(513) }],
    [{ nonce: 'caf\u00e9' }],
    [{ claims: '{"userinfo": 1}' }],
  ])('refuses %j with invalid_request', (params) => {
    expect(() => parseOpenIdRequest(params, ['openid'], 'code')).toThrow(InvalidRequest);
  });
});
