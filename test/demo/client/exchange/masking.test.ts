import { describe, expect, it } from 'vitest';
import { messageBody } from '../../../../src/demo/client/exchange/http-message.js';
import { MASK, maskedAuthorization, maskedParams } from '../../../../src/demo/client/exchange/masking.js';
import { decodeJwt } from '../../../../src/demo/client/exchange/decode-jwt.js';

describe('what the playground shows of an exchange', () => {
  it('masks client secrets and passwords, keeps everything else', () => {
    const params = maskedParams(new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'wonderland', client_secret: 's3cret' }));
    expect(params).toEqual([
      { name: 'grant_type', value: 'password' },
      { name: 'username', value: 'alice' },
      { name: 'password', value: MASK, masked: true },
      { name: 'client_secret', value: MASK, masked: true },
    ]);
    expect(JSON.stringify(messageBody('password=wonderland&x=1', 'application/x-www-form-urlencoded'))).not.toContain('wonderland');
  });

  it('shows whose Basic credentials they are, never the base64 that would reveal the secret', () => {
    const header = `Basic ${Buffer.from('playground-web:playground-web-secret').toString('base64')}`;
    const shown = maskedAuthorization(header);
    expect(shown.value).toBe(`Basic base64("playground-web:${MASK}")`);
    expect(JSON.stringify(shown)).not.toContain(header.slice(6));
  });

  it('shortens a bearer token for display and keeps the whole of it', () => {
    const token = 'a'.repeat(100);
    expect(maskedAuthorization(`Bearer ${token}`)).toMatchObject({ value: expect.stringMatching(/^Bearer a{32}…a{8}$/), full: `Bearer ${token}` });
  });

  it('decodes a JWT without trusting it, and ignores what is not one', () => {
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = decodeJwt(`${segment({ alg: 'ES256', typ: 'at+jwt' })}.${segment({ sub: 'x', exp: 1 })}.sig`, 'test');
    expect(jwt).toEqual({ source: 'test', header: { alg: 'ES256', typ: 'at+jwt' }, payload: { sub: 'x', exp: 1 } });
    expect(decodeJwt('tsr_rt_abc', 'test')).toBeUndefined();
    expect(decodeJwt('a.b.c', 'test')).toBeUndefined();
  });
});

describe('an Authorization header anyone may send', () => {
  it('shows the raw client_id when its form-encoding is malformed, instead of throwing', () => {
    for (const clientId of ['%zz', 'abc%', '%E0%A4%A', 'a+b%zz']) {
      const shown = maskedAuthorization(`Basic ${Buffer.from(`${clientId}:secret`).toString('base64')}`);
      expect(shown).toMatchObject({ masked: true, value: `Basic base64("${clientId.replace(/\+/g, ' ')}:${MASK}")` });
    }
    expect(maskedAuthorization(`Basic ${Buffer.from('my%20client:secret').toString('base64')}`).value).toBe(`Basic base64("my client:${MASK}")`);
  });
});
