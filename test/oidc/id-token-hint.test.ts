import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdTokenHints, verifyIdTokenHint } from '../../src/oidc/id-token-hint.js';
import type { PublicJwks } from '../../src/keys/key-ring.js';

// One verifier for both endpoints (/authorize and /end_session): the stricter checks of both.
const ISSUER = 'https://as.example';
let privateKey: CryptoKey;
let jwks: PublicJwks;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey as CryptoKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

async function idToken(claims: JWTPayload, typ = 'JWT'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ }).sign(privateKey);
}

const GOOD = { iss: ISSUER, sub: 'alice-id', aud: 'rp', auth_time: 1_800_000_000, sid: 'sid-1', iat: 1_800_000_000, exp: 1_800_000_300 };

describe('id_token_hint: one verifier for /authorize and /end_session', () => {
  it('returns sub, audience and sid of an ID token of this issuer, expired or not', async () => {
    expect(await verifyIdTokenHint(await idToken(GOOD), ISSUER, jwks)).toEqual({ sub: 'alice-id', audience: ['rp'], sid: 'sid-1' });
    expect(await new IdTokenHints(ISSUER, { jwks }).subject(await idToken({ ...GOOD, aud: ['rp', 'other'] }))).toBe('alice-id');
  });

  it('refuses an empty sub, a missing auth_time, an events member, another typ or issuer, at both endpoints', async () => {
    const hints = new IdTokenHints(ISSUER, { jwks });
    const { auth_time: _omitted, ...noAuthTime } = GOOD;
    for (const token of [
      await idToken({ ...GOOD, sub: '' }),
      await idToken(noAuthTime),
      await idToken({ ...GOOD, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }),
      await idToken(GOOD, 'logout+jwt'),
      await idToken({ ...GOOD, iss: 'https://other.example' }),
      await idToken({ ...GOOD, aud: [] }),
      'not.a.jwt',
    ]) {
      expect(await verifyIdTokenHint(token, ISSUER, jwks)).toBeUndefined();
      expect(await hints.subject(token)).toBeUndefined();
    }
  });
});
