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
