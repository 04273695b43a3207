import { describe, expect, it } from 'vitest';
import { presentedClient } from '../../src/core/client-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('client credentials in the request (RFC 6749 §2.3)', () => {
  it('form-decodes Basic credentials (§2.3.1)', () => {
    expect(presentedClient(basic('my+app:p%3Ass+word'), {})).toEqual({ method: 'client_secret_basic', clientId: 'my app', clientSecret: 'p:ss word' });
  });
  it('reads client_secret_post and public clients', () => {
    expect(presentedClient(undefined, { client_id: 'a', client_secret: 'b' })).toMatchObject({ method: 'client_secret_post' });
    expect(presentedClient(undefined, { client_id: 'a' })).toMatchObject({ method: 'none', clientSecret: undefined });
  });
  it('refuses two methods at once and mismatched client_ids', () => {
    expect(() => presentedClient(basic('a:b'), { client_secret: 'b' })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => presentedClient(basic('a:b'), { client_id: 'z' })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
  it('refuses malformed headers as invalid_client with a Basic challenge', () => {
    for (const header of ['Basic', 'Basic %%%', basic('no-colon'), basic(':secret'), 'Bearer abc']) {
      expect(() => presentedClient(header, {})).toThrow(expect.objectContaining({ error: 'invalid_client', status: 401 }));
    }
  });
});

describe('client assertions in the request (RFC 7521 section 4.2, RFC 7523 section 2.2)', () => {
  const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (claims: object) => `${part({ alg: 'ES256' })}.${part(claims)}.c2ln`;
  it('names the client by the assertion\'s sub; client_id is optional and must agree', () => {
    const assertion = jwt({ sub: 'svc', iss: 'svc' });
    expect(presentedClient(undefined, { client_assertion_type: TYPE, client_assertion: assertion })).toEqual({ method: 'private_key_jwt', clientId: 'svc', clientSecret: undefined, clientAssertion: assertion });
    expect(presentedClient(undefined, { client_id: 'svc', client_assertion_type: TYPE, client_assertion: assertion })).toMatchObject({ clientId: 'svc' });
    expect(() => presentedClient(undefined, { client_id: 'other', client_assertion_type: TYPE, client_assertion: assertion })).toThrow(expect.objectContaining({ error: 'invalid_client' }));
  });
  it('refuses an assertion with other credentials, or half of one', () => {
    const assertion = jwt({ sub: 'svc' });
    expect(() => presentedClient(basic('svc:s'), { client_assertion_type: TYPE, client_assertion: assertion })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => presentedClient(undefined, { client_secret: 's', client_assertion_type: TYPE, client_assertion: assertion })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => presentedClient(undefined, { client_assertion: assertion })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => presentedClient(undefined, { client_assertion_type: TYPE })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
  it('refuses other assertion types, malformed JWTs and a missing sub as invalid_client, echoing nothing', () => {
    for (const params of [
      { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: jwt({ sub: 'svc' }) },
      { client_assertion_type: TYPE, client_assertion: 'not.a.jwt<script>' },
      { client_assertion_type: TYPE, client_assertion: jwt({ iss: 'svc' }) },
      { client_assertion_type: TYPE, client_assertion: jwt({ sub: 'caf\u00e9' }) },
    ]) {
      let caught: unknown;
      try {
        presentedClient(undefined, params);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ error: 'invalid_client', status: 401 });
      expect((caught as Error).message).not.toContain('script');
    }
  });
});
