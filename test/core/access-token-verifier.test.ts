import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier, looksLikeJwt } from '../../src/core/access-token-verifier.js';

// Introspection and revocation verify our own access tokens in memory: signature by a key we
// publish, typ at+jwt (RFC 9068 §2.1), iss, exp and nbf at the injected time, and the claims they use.

const ISSUER = 'https://as.example';
const NOW = 1_900_000_000;
let privateKey: CryptoKey;
let strangerKey: CryptoKey;
let verifier: AccessTokenVerifier;
const jwks: { keys: Record<string, unknown>[] } = { keys: [] };

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  strangerKey = (await generateKeyPair('ES256')).privateKey;
  jwks.keys = [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }];
  verifier = new AccessTokenVerifier(ISSUER, { jwks });
});

const CLAIMS: JWTPayload = { iss: ISSUER, sub: 'user-1', aud: 'https://api.example', iat: NOW, exp: NOW + 300, jti: 'jti-1', client_id: 'app', scope: 'read', gid: 'family-1' };

function sign(claims: JWTPayload = CLAIMS, header: { typ?: string; kid?: string } = {}, key?: CryptoKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header }).sign(key ?? privateKey);
}

describe('AccessTokenVerifier', () => {
  it('accepts our token and reads its claims', async () => {
    expect(await verifier.verify(await sign(), NOW)).toEqual({
      jti: 'jti-1', familyId: 'family-1', subject: 'user-1', clientId: 'app', audience: 'https://api.example', scope: 'read',
      issuedAt: NOW, expiresAt: NOW + 300, notBefore: undefined,
    });
  });

  it('a token of an earlier version (no gid) has no family', async () => {
    const { gid: _gid, ...legacy } = CLAIMS;
    expect((await verifier.verify(await sign(legacy), NOW))?.familyId).toBeNull();
  });

  it.each([
    ['expired', () => sign(), NOW + 300],
    ['not yet valid (nbf)', () => sign({ ...CLAIMS, nbf: NOW + 10 }), NOW],
    ['another issuer', () => sign({ ...CLAIMS, iss: 'https://evil.example' }), NOW],
    ['another typ', () => sign(CLAIMS, { typ: 'JWT' }), NOW],
    ['signed by a key we do not publish', () => sign(CLAIMS, {}, strangerKey), NOW],
    ['an unknown kid', () => sign(CLAIMS, { kid: 'k2' }), NOW],
    ['no client_id', () => { const { client_id: _c, ...rest } = CLAIMS; return sign(rest); }, NOW],
    ['a gid that is not a string', () => sign({ ...CLAIMS, gid: 7 }), NOW],
    ['an audience list', () => sign({ ...CLAIMS, aud: ['a', 'b'] }), NOW],
  ])('refuses a token %s', async (_name, make, at) => {
    expect(await verifier.verify(await make(), at)).toBeUndefined();
  });

  it('refuses alg none and garbage', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}.`;
    expect(await verifier.verify(none, NOW)).toBeUndefined();
    expect(await verifier.verify('a.b.c', NOW)).toBeUndefined();
    expect(await verifier.verify('tsr_rt_abc', NOW)).toBeUndefined();
  });

  it('follows the key ring: a key no longer published no longer verifies', async () => {
    const ring = { jwks };
    const following = new AccessTokenVerifier(ISSUER, ring);
    const token = await sign();
    expect(await following.verify(token, NOW)).toBeDefined();
    ring.jwks = { keys: [] };
    expect(await following.verify(token, NOW)).toBeUndefined();
  });

  it('reads the keys again for an unknown kid (another instance added it), at most once per interval', async () => {
    const second = await generateKeyPair('ES256');
    const published = { ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
    let reloads = 0;
    const ring = {
      jwks: { keys: [...jwks.keys] },
      async reload() { reloads++; this.jwks = { keys: [...jwks.keys, published] }; return true; },
    };
    const reloading = new AccessTokenVerifier(ISSUER, ring, 60_000);
    const token = await sign(CLAIMS, { kid: 'k2' }, second.privateKey);
    expect(await reloading.verify(token, NOW)).toBeDefined();
    expect(reloads).toBe(1);
    expect(await reloading.verify(await sign(CLAIMS, { kid: 'k3' }), NOW)).toBeUndefined();
    expect(reloads).toBe(1);
  });

  it('tells a JWS compact serialization from an opaque token', () => {
    expect(looksLikeJwt('a.b.c')).toBe(true);
    expect(looksLikeJwt('tsr_rt_abc')).toBe(false);
  });
});
