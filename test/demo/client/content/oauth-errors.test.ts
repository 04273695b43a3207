import { describe, expect, it } from 'vitest';
import { explainError, OAUTH_ERRORS } from '../../../../src/demo/client/content/oauth-errors.js';
import { errorIn } from '../../../../src/demo/client/exchange/exchange-error.js';
import type { Exchange } from '../../../../src/demo/client/exchange/exchange.js';
import { relativeTime } from '../../../../src/demo/client/views/exchange-view.js';
import { describeParameter } from '../../../../src/demo/client/views/parameter-glossary.js';

describe('the table of OAuth error codes', () => {
  it.each(Object.entries(OAUTH_ERRORS))('%s: says what it means and what to do next, citing a section', (_code, entry) => {
    expect(entry.meaning.length).toBeGreaterThan(20);
    expect(entry.next.length).toBeGreaterThan(10);
    expect(entry.refs.length).toBeGreaterThan(0);
    for (const reference of entry.refs) expect(reference.section, JSON.stringify(reference)).toMatch(/^\d+(\.\d+)*$/);
  });

  it('knows every code of the token endpoint, the authorization endpoint and a bearer resource server', () => {
    const codes = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
      'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope'];
    for (const code of codes) expect(explainError(code), code).toBeDefined();
    expect(explainError('toString')).toBeUndefined();
    expect(explainError('no_such_error')).toBeUndefined();
  });
});

describe('the table says what the RFCs say', () => {
  it('invalid_scope, invalid_grant and invalid_client carry every case of RFC 6749 §5.2 (and RFC 7636 §4.6); unsupported_token_type is RFC 7009 §2.2.1', () => {
    expect(explainError('invalid_scope')?.meaning).toContain('exceeds the scope granted by the resource owner');
    const grant = explainError('invalid_grant');
    expect(grant?.meaning).toContain('revoked');
    expect(grant?.meaning).toContain('code_verifier does not match');
    expect(grant?.refs).toContainEqual({ rfc: 7636, section: '4.6' });
    expect(explainError('invalid_client')?.meaning).toContain('no client authentication included');
    expect(explainError('unsupported_token_type')?.refs).toEqual([{ rfc: 7009, section: '2.2.1' }]);
  });

  it('the refresh token\'s binding to its client cites RFC 6749 §10.4, not the §1.5 overview', async () => {
    const { REFRESH_TOKEN_FLOW } = await import('../../../../src/demo/client/content/refresh-token.js');
    const binding = REFRESH_TOKEN_FLOW.steps.flatMap((step) => step.corrections ?? []).find((correction) => correction.rfc.includes('bound to the client'));
    expect(binding?.refs).toContainEqual({ rfc: 6749, section: '10.4' });
    expect(binding?.refs).not.toContainEqual({ rfc: 6749, section: '1.5' });
  });
});

describe('the error an exchange carries', () => {
  const request = { method: 'GET', url: 'http://127.0.0.1/cb', query: [], headers: [] };
  it('is read from a JSON body, a WWW-Authenticate challenge, or a redirect\'s query or fragment', () => {
    const body: Exchange = { vantage: 'client', request, jwts: [], response: { status: 400, statusText: 'Bad Request', headers: [], body: { type: 'json', value: { error: 'invalid_grant', error_description: 'bad code' } } } };
    expect(errorIn(body, 'response')).toEqual({ code: 'invalid_grant', description: 'bad code' });
    const challenge: Exchange = { vantage: 'client', request, jwts: [], response: { status: 401, statusText: 'Unauthorized', headers: [{ name: 'WWW-Authenticate', value: 'Bearer realm="api", error="invalid_token", error_description="The access token has expired."' }] } };
    expect(errorIn(challenge, 'response')).toEqual({ code: 'invalid_token', description: 'The access token has expired.' });
    const noToken: Exchange = { vantage: 'client', request, jwts: [], response: { status: 401, statusText: 'Unauthorized', headers: [{ name: 'WWW-Authenticate', value: 'Bearer realm="api"' }] } };
    expect(errorIn(noToken, 'response')).toBeUndefined();
    const callback: Exchange = { vantage: 'client', request: { ...request, query: [{ name: 'error', value: 'access_denied' }, { name: 'state', value: 's' }] }, jwts: [] };
    expect(errorIn(callback, 'request')).toEqual({ code: 'access_denied' });
    const fragment: Exchange = { vantage: 'browser', request: { ...request, fragment: [{ name: 'error', value: 'access_denied' }, { name: 'error_description', value: 'no' }] }, jwts: [] };
    expect(errorIn(fragment, 'request')).toEqual({ code: 'access_denied', description: 'no' });
    expect(errorIn(callback, 'response')).toBeUndefined();
  });
});

describe('times and the glossary', () => {
  it('says times relative to the page\'s clock', () => {
    expect(relativeTime(1000 + 240, 1000)).toBe('in 4 min');
    expect(relativeTime(1000 - 180, 1000)).toBe('3 min ago');
    expect(relativeTime(1045, 1000)).toBe('in 45 s');
    expect(relativeTime(1000, 1000)).toBe('now');
    expect(relativeTime(1000 - 7200, 1000)).toBe('2 h ago');
  });

  it('explains error, error_description and every claim the playground\'s tokens carry', () => {
    for (const name of ['error', 'error_description', 'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope', 'auth_time', 'sid', 'nonce', 'amr', 'azp', 'at_hash']) {
      expect(describeParameter(name), name).toMatch(/(RFC|OpenID Connect)/);
    }
  });
});
