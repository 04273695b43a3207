import { describe, expect, it } from 'vitest';
import { hasScopes, parseScope, resolveScope } from '../../src/core/scope.js';

describe('scope (RFC 6749 §3.3)', () => {
  it('parses space-delimited tokens, dropping empties and duplicates', () => {
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
    expect(parseScope(undefined)).toEqual([]);
  });
  it('refuses characters outside scope-token', () => {
    expect(() => parseScope('re"ad')).toThrow(/section 3.3/);
    expect(() => parseScope('a\\b')).toThrow();
    expect(() => parseScope('caf\u00e9')).toThrow();
  });
  it('defaults to the registered scope and refuses more', () => {
    expect(resolveScope([], ['read', 'write'])).toEqual(['read', 'write']);
    expect(resolveScope(['write'], ['read', 'write'])).toEqual(['write']);
    expect(() => resolveScope(['admin'], ['read'])).toThrow(expect.objectContaining({ error: 'invalid_scope' }));
  });
  it('checks required scopes', () => {
    expect(hasScopes(['read', 'write'], ['read'])).toBe(true);
    expect(hasScopes(['read'], ['read', 'write'])).toBe(false);
  });
});
