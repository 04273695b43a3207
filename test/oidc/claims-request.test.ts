import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../src/core/errors.js';
import { parseClaimsParameter, requestedClaimNames } from '../../src/oidc/claims-request.js';

describe('the claims request parameter (OpenID Connect Core 5.5)', () => {
  it('is undefined when absent', () => {
    expect(parseClaimsParameter(undefined)).toBeUndefined();
  });

  it('parses the Core 5.5 example: null, essential, value and values', () => {
    const parsed = parseClaimsParameter(JSON.stringify({
      userinfo: { given_name: { essential: true }, nickname: null, email: { essential: true }, email_verified: { essential: true }, picture: null },
      id_token: { auth_time: { essential: true }, acr: { values: ['urn:mace:incommon:iap:silver'] }, sub: { value: '248289761001' } },
    }));
    expect(parsed?.userinfo).toEqual({
      given_name: { essential: true }, nickname: { essential: false }, email: { essential: true }, email_verified: { essential: true }, picture: { essential: false },
    });
    // acr is not a claim this server supplies: ignored (Core 5.5: not understood, ignored).
    expect(parsed?.id_token).toEqual({ auth_time: { essential: true }, sub: { essential: false, values: ['248289761001'] } });
    expect(requestedClaimNames(parsed, 'userinfo')).toEqual(['given_name', 'nickname', 'email', 'email_verified', 'picture']);
  });

  it('ignores unknown members and unknown claims, and accepts either member alone', () => {
    expect(parseClaimsParameter('{"id_token":{"email":null},"other":{"x":1}}')).toEqual({ userinfo: {}, id_token: { email: { essential: false } } });
    expect(parseClaimsParameter('{"userinfo":{"https://example.com/custom":null}}')).toEqual({ userinfo: {}, id_token: {} });
    expect(parseClaimsParameter('{}')).toEqual({ userinfo: {}, id_token: {} });
  });

  it.each([
    ['not JSON', '{nope'],
    ['a JSON array', '[]'],
    ['a JSON string', '"email"'],
    ['userinfo not an object', '{"userinfo":["email"]}'],
    ['a claim request that is a string', '{"userinfo":{"email":"yes"}}'],
    ['essential not a boolean', '{"id_token":{"email":{"essential":"true"}}}'],
    ['values not an array', '{"id_token":{"email":{"values":"a"}}}'],
    ['too long', JSON.stringify({ userinfo: { name: { values: ['x'.repeat(9_000)] } } })],
  ])('refuses %s with invalid_request, never echoing it', (_name, value) => {
    let caught: unknown;
    try { parseClaimsParameter(value); } catch (error) { caught = error; }
    expect(caught).toBeInstanceOf(InvalidRequest);
    expect((caught as InvalidRequest).description).not.toContain(value.slice(0, 12));
  });
});
