import { describe, expect, it } from 'vitest';
import { bearerTokenFrom } from '../src/authorization-header.js';
import { BearerChallenges, BearerError, quoteRealm } from '../src/bearer-error.js';
import { requiredScopeList } from '../src/required-scopes.js';

const challenges = new BearerChallenges('api');

function rejection(header: string | undefined): BearerError {
  try {
    bearerTokenFrom(header, challenges);
  } catch (error) {
    if (error instanceof BearerError) return error;
    throw error;
  }
  throw new Error(`"${header}" was accepted`);
}

describe('Authorization header (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer   abc', 'abc'],
    ['Bearer abc  ', 'abc'],
    ['Bearer aB0-._~+/==', 'aB0-._~+/=='],
    ['Bearer eyJ.eyJ.sig', 'eyJ.eyJ.sig'],
  ])('reads the token of %j', (header, token) => {
    expect(bearerTokenFrom(header, challenges)).toBe(token);
  });

  it('answers no header with a bare 401 challenge and no error code (§3.1)', () => {
    const error = rejection(undefined);
    expect(error).toMatchObject({ status: 401, error: null, wwwAuthenticate: 'Bearer realm="api"' });
    expect(error.toJSON()).toEqual({ error_description: error.description });
  });

  it.each(['Basic abc', 'Token abc', 'Bearerabc', 'Digest'])('answers another scheme (%j) with the bare 401 challenge (§3.1)', (header) => {
    expect(rejection(header)).toMatchObject({ status: 401, error: null, wwwAuthenticate: 'Bearer realm="api"' });
  });

  it.each([
    '', 'Bearer', 'Bearer ', 'Bearer\tabc', 'Bearer a b', 'Bearer a,b', 'Bearer a=b',
    'Bearer ab"c', 'Bearer abc\\', 'Bearer é', 'Bearer =abc', '"Bearer abc"',
  ])('answers %j with 400 invalid_request', (header) => {
    const error = rejection(header);
    expect(error).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(error.wwwAuthenticate).toMatch(/^Bearer realm="api", error="invalid_request", error_description="[\x20\x21\x23-\x5B\x5D-\x7E]+"$/);
  });
});

describe('WWW-Authenticate (RFC 6750 §3)', () => {
  it('escapes the realm as a quoted-string and drops control characters', () => {
    expect(quoteRealm('a "quoted" \\ realm')).toBe('"a \\"quoted\\" \\\\ realm"');
    expect(quoteRealm('line\r\nbreak\tand tab')).toBe('"linebreak\tand tab"');
    expect(new BearerChallenges('say "hi"').missing().wwwAuthenticate).toBe('Bearer realm="say \\"hi\\""');
  });

  it('keeps error_description inside the RFC 6750 charset, and the JSON body unchanged', () => {
    const error = challenges.invalidToken('a "quoted" \\ détail\r\n');
    expect(error.wwwAuthenticate).toBe('Bearer realm="api", error="invalid_token", error_description="a \'quoted\' ? d?tail??"');
    expect(error.toJSON()).toEqual({ error: 'invalid_token', error_description: 'a "quoted" \\ détail\r\n' });
  });

  it('names the required scopes in insufficient_scope', () => {
    const error = challenges.insufficientScope(['orders:read', 'orders:write']);
    expect(error).toMatchObject({ status: 403, error: 'insufficient_scope' });
    expect(error.wwwAuthenticate).toMatch(/, scope="orders:read orders:write"$/);
  });

  it('keeps the upstream detail of a 503 in cause, out of the response', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:9000');
    const error = challenges.unavailable(cause);
    expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable', wwwAuthenticate: 'Bearer realm="api"', cause });
    expect(JSON.stringify(error.toJSON())).not.toContain('10.0.0.7');
  });
});

describe('required scopes', () => {
  it('takes a list of scope tokens', () => {
    expect(requiredScopeList(['read', 'orders:write'])).toEqual(['read', 'orders:write']);
    expect(Object.isFrozen(requiredScopeList([]))).toBe(true);
  });

  it.each([['read write'], [''], ['a"b'], ['a\\b']])('refuses %j, which no token could carry', (scope) => {
    expect(() => requiredScopeList([scope])).toThrow(TypeError);
  });
});
