import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signEs256Jwt } from '../../src/keys/jws-es256.js';

// A product change made for the token endpoint's throughput (docs/BENCHMARKS.md) keeps its
// guarantee: the signature is a standard ES256 JWS.

describe('signEs256Jwt', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('produces an ES256 JWS that jose verifies, with the header and claims given', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://as.example', sub: 'svc', aud: 'https://api.example', iat: now, exp: now + 60, jti: 'j1', client_id: 'svc', scope: 'read' };
    const jwt = signEs256Jwt({ typ: 'at+jwt', kid: 'k1' }, claims, privateKey);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    const { payload } = await jwtVerify(jwt, publicKey, { algorithms: ['ES256'], typ: 'at+jwt', issuer: claims.iss, audience: claims.aud });
    expect(payload).toEqual(claims);
    // RFC 7518 §3.4: R || S, 32 bytes each.
    expect(Buffer.from(jwt.split('.')[2] as string, 'base64url')).toHaveLength(64);
  });

  it('signs differently each time (ECDSA nonce) and a changed payload does not verify', async () => {
    const a = signEs256Jwt({ typ: 'at+jwt', kid: 'k1' }, { sub: 'x' }, privateKey);
    const b = signEs256Jwt({ typ: 'at+jwt', kid: 'k1' }, { sub: 'x' }, privateKey);
    expect(a).not.toBe(b);
    const [h, , s] = a.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'y' })).toString('base64url')}.${s}`;
    await expect(jwtVerify(forged, publicKey)).rejects.toThrow();
  });

  it('refuses keys that are not P-256 private keys', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => signEs256Jwt({ typ: 'at+jwt', kid: 'k' }, {}, p384)).toThrow(/P-256/);
    expect(() => signEs256Jwt({ typ: 'at+jwt', kid: 'k' }, {}, rsa)).toThrow(/P-256/);
    expect(() => signEs256Jwt({ typ: 'at+jwt', kid: 'k' }, {}, publicKey)).toThrow(/P-256/);
  });
});
