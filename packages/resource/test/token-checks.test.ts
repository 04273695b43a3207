import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { BearerError, createBearerVerifier, type BearerVerifierOptions } from '../src/index.js';

// The checks of the node:crypto verifier that jose does not make, or makes differently, and the
// cache of verified tokens. Keys are given in the options: nothing is fetched.

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://api.example';

let es: { privateKey: KeyObject; jwk: JWK };
let ed: { privateKey: KeyObject; jwk: JWK };

beforeAll(() => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const okp = generateKeyPairSync('ed25519');
  es = { privateKey: ec.privateKey, jwk: { ...(ec.publicKey.export({ format: 'jwk' }) as JWK), kid: 'es', alg: 'ES256' } };
  ed = { privateKey: okp.privateKey, jwk: { ...(okp.publicKey.export({ format: 'jwk' }) as JWK), kid: 'ed' } };
});

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS over raw header and claims text, signed with ES256 (or EdDSA for the ed key). */
function compact(header: string | object, claims: string | object, key: KeyObject = es.privateKey): string {
  const input = `${part(header)}.${part(claims)}`;
  const signature = key.asymmetricKeyType === 'ed25519'
    ? sign(null, Buffer.from(input), key)
    : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function claims(now: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', client_id: 'client-1', scope: 'read', iat: now, exp: now + 60, jti: `jti-${Math.random()}`, ...overrides };
}

const HEADER = { alg: 'ES256', typ: 'at+jwt', kid: 'es' };

function verifier(options: Partial<BearerVerifierOptions> = {}) {
  return createBearerVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [es.jwk, ed.jwk] }, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<BearerError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof BearerError)) throw new Error(`expected a BearerError, got ${String(error)}`);
  return error;
}

describe('JWS checks', () => {
  const now = Math.floor(Date.now() / 1000);

  it('accepts an EdDSA token (Ed25519, RFC 8037) and names the algorithm Ed25519 too', async () => {
    const check = verifier({ tokenCacheSize: 0 });
    for (const alg of ['EdDSA', 'Ed25519']) {
      const token = compact({ alg, typ: 'at+jwt', kid: 'ed' }, claims(now), ed.privateKey);
      await expect(check.verify(`Bearer ${token}`, ['read'])).resolves.toMatchObject({ subject: 'user-1', verifiedBy: 'jwt' });
    }
  });

  it('refuses every crit header, even the b64 extension jose would accept (RFC 7515 §4.1.11)', async () => {
    for (const header of [{ ...HEADER, crit: ['b64'], b64: true }, { ...HEADER, crit: ['exp'], exp: 1 }, { ...HEADER, crit: [] }]) {
      const error = await refusal(verifier().verify(`Bearer ${compact(header, claims(now))}`, []));
      expect(error).toMatchObject({ status: 401, description: 'The access token is not a well-formed signed JWT.' });
    }
  });

  it('takes the last of duplicate header members, as JSON.parse does (RFC 7515 §4 allows it)', async () => {
    const noneLast = '{"alg":"ES256","typ":"at+jwt","kid":"es","alg":"none"}';
    expect(await refusal(verifier().verify(`Bearer ${compact(noneLast, claims(now))}`, []))).toMatchObject({ description: expect.stringMatching(/algorithm/) });
    const es256Last = '{"alg":"none","typ":"at+jwt","kid":"es","alg":"ES256"}';
    await expect(verifier().verify(`Bearer ${compact(es256Last, claims(now))}`, [])).resolves.toBeDefined();
  });

  it('ignores header members it does not know, and never follows jku or x5u', async () => {
    const token = compact({ ...HEADER, jku: 'http://127.0.0.1:1/jwks', x5u: 'http://127.0.0.1:1/x5c', foo: { bar: 1 } }, claims(now));
    await expect(verifier().verify(`Bearer ${token}`, [])).resolves.toBeDefined();
  });

  it.each([
    ['a header that is a JSON array', () => `${part('["ES256"]')}.${part(claims(now))}.AAAA`],
    ['a header that is JSON null', () => `${part('null')}.${part(claims(now))}.AAAA`],
    ['a header that is not JSON', () => `${part('{alg:ES256}')}.${part(claims(now))}.AAAA`],
    ['a header that is not UTF-8', () => `${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${part(claims(now))}.AAAA`],
    ['a header of 4n+1 base64url characters', () => `${part(HEADER)}A.${part(claims(now))}.AAAA`],
    ['claims that are a JSON array', () => compact(HEADER, '[1,2]')],
    ['claims that are a JSON string', () => compact(HEADER, '"sub"')],
    ['claims that are not UTF-8', () => compact(HEADER, Buffer.from([0x7b, 0xc3, 0x7d]).toString('latin1'))],
    ['a padded signature (RFC 7515 §2: no padding)', () => `${compact(HEADER, claims(now))}==`],
    ['a signature in standard base64', () => compact(HEADER, claims(now)).replace(/-/g, '+').replace(/_/g, '/')],
  ])('refuses %s as malformed or unsigned, with 401', async (_name, build) => {
    const token = build();
    const error = await refusal(verifier().verify(`Bearer ${token}`, []));
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_token');
  });

  it('refuses a huge token without decoding it', async () => {
    const token = compact(HEADER, claims(now, { pad: 'x'.repeat(20_000) }));
    expect(await refusal(verifier().verify(`Bearer ${token}`, []))).toMatchObject({ status: 401, description: expect.stringMatching(/too long/) });
  });

  it('refuses a NumericDate that is not finite (1e400 parses to Infinity), which jose would take as never expiring', async () => {
    const text = JSON.stringify(claims(now)).replace(/"exp":\d+/, '"exp":1e400');
    expect(await refusal(verifier().verify(`Bearer ${compact(HEADER, text)}`, []))).toMatchObject({ description: 'The access token exp claim is invalid.' });
  });

  it('chooses keys as RFC 7517 §4 and jose do: kid, kty, crv and alg must fit', async () => {
    const check = verifier();
    const cases: [object, KeyObject][] = [
      [{ alg: 'ES256', typ: 'at+jwt', kid: 'ed' }, es.privateKey], // the kid of a key of another type
      [{ alg: 'EdDSA', typ: 'at+jwt', kid: 'es' }, ed.privateKey],
      [{ alg: 'ES256', typ: 'at+jwt', kid: 42 }, es.privateKey], // a kid that is not a string
      [{ alg: 'ES256', typ: 'at+jwt', kid: '../es' }, es.privateKey],
      [{ alg: 'ES256', typ: 'at+jwt', kid: 'ES' }, es.privateKey],
    ];
    for (const [header, key] of cases) {
      expect(await refusal(check.verify(`Bearer ${compact(header, claims(now), key)}`, []))).toMatchObject({
        status: 401, description: 'The access token is not signed with a key the authorization server publishes.',
      });
    }
    // Without a kid, the one key that fits the algorithm is used, as jose does.
    await expect(check.verify(`Bearer ${compact({ alg: 'ES256', typ: 'at+jwt' }, claims(now))}`, [])).resolves.toBeDefined();
    // Two keys that fit and no kid to choose: refused, never tried one after the other.
    const second = { ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK), kid: 'es2' };
    const ambiguous = verifier({ jwks: { keys: [es.jwk, second] } });
    expect(await refusal(ambiguous.verify(`Bearer ${compact({ alg: 'ES256', typ: 'at+jwt' }, claims(now))}`, []))).toMatchObject({ status: 401 });
  });

  it('never uses a private key published by mistake, nor an RSA key under 2048 bits: the keys are broken, 503', async () => {
    const privateJwk = { ...(es.privateKey.export({ format: 'jwk' }) as JWK), kid: 'es', alg: 'ES256' };
    const leaky = verifier({ jwks: { keys: [privateJwk] } });
    expect(await refusal(leaky.verify(`Bearer ${compact(HEADER, claims(now))}`, []))).toMatchObject({ status: 503 });

    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = verifier({ jwks: { keys: [{ ...(small.publicKey.export({ format: 'jwk' }) as JWK), kid: 'rs' }] } });
    const input = `${part({ alg: 'RS256', typ: 'at+jwt', kid: 'rs' })}.${part(claims(now))}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), small.privateKey).toString('base64url')}`;
    expect(await refusal(weak.verify(`Bearer ${token}`, []))).toMatchObject({ status: 503 });
  });

  it('refuses a jwks option that is not a JWK Set at construction', () => {
    expect(() => verifier({ jwks: { keys: 'nope' } as never })).toThrow(TypeError);
    expect(() => verifier({ tokenCacheSize: -1 })).toThrow(TypeError);
    expect(() => verifier({ tokenCacheSize: 1.5 })).toThrow(TypeError);
  });
});

describe('the cache of verified tokens', () => {
  it('hands back the same frozen claims for the same token, and verifies every time with the cache off', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = compact(HEADER, claims(now));
    const cached = verifier();
    const first = await cached.verify(`Bearer ${token}`, []);
    expect(await cached.verify(`Bearer ${token}`, [])).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes) && Object.isFrozen(first.raw)).toBe(true);
    expect(() => { (first.scopes as string[]).push('admin'); }).toThrow(TypeError);

    const uncached = verifier({ tokenCacheSize: 0 });
    const one = await uncached.verify(`Bearer ${token}`, []);
    expect(await uncached.verify(`Bearer ${token}`, [])).not.toBe(one);
  });

  it('checks the required scopes on every hit', async () => {
    const now = Math.floor(Date.now() / 1000);
    const check = verifier();
    const token = `Bearer ${compact(HEADER, claims(now, { scope: 'read' }))}`;
    await check.verify(token, ['read']);
    expect(await refusal(check.verify(token, ['write']))).toMatchObject({ status: 403, error: 'insufficient_scope' });
    expect(await refusal(check.verify(token, ['read', 'write']))).toMatchObject({ status: 403 });
    await expect(check.verify(token, ['read'])).resolves.toMatchObject({ scopes: ['read'] });
  });

  it('is per verifier: a token cached for one audience is refused by a resource with another', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `Bearer ${compact(HEADER, claims(now))}`;
    await verifier().verify(token, []);
    const other = verifier({ audience: 'https://other.example' });
    expect(await refusal(other.verify(token, []))).toMatchObject({ status: 401, description: expect.stringMatching(/not meant for this resource/) });
  });

  it('never accepts a cached token past its exp (with the same leeway as a first check), nor before its nbf', async () => {
    const clock = new ManualClock(1_900_000_000);
    const check = verifier({ clock, clockToleranceSeconds: 5 });
    const token = `Bearer ${compact(HEADER, claims(clock.nowSeconds(), { exp: clock.nowSeconds() + 60, nbf: clock.nowSeconds() }))}`;
    const claimsAtFirst = await check.verify(token, []);
    clock.advance(64);
    expect(await check.verify(token, [])).toBe(claimsAtFirst);
    clock.advance(1); // exp + 5 s of leeway: expired
    expect(await refusal(check.verify(token, []))).toMatchObject({ status: 401, description: 'The access token has expired.' });
    // A clock set back before nbf (minus leeway) refuses it too, cached or not.
    clock.advance(-65 - 6);
    expect(await refusal(check.verify(token, []))).toMatchObject({ status: 401, description: expect.stringMatching(/not valid yet/) });
  });

  it('is bounded: the least recently used token goes first, and refused tokens never enter', async () => {
    const now = Math.floor(Date.now() / 1000);
    const check = verifier({ tokenCacheSize: 2 });
    const [a, b, c] = [0, 1, 2].map(() => `Bearer ${compact(HEADER, claims(now))}`) as [string, string, string];
    const first = { a: await check.verify(a, []), b: await check.verify(b, []) };
    // Many refused tokens (valid-looking, wrong signature or audience) leave the two in place.
    for (let i = 0; i < 50; i += 1) {
      await refusal(check.verify(`Bearer ${compact(HEADER, claims(now, { aud: 'https://other.example' }))}`, []));
      const forged = compact(HEADER, claims(now));
      await refusal(check.verify(`Bearer ${forged.slice(0, forged.lastIndexOf('.'))}.${'A'.repeat(86)}`, []));
    }
    expect(await check.verify(a, [])).toBe(first.a);
    expect(await check.verify(b, [])).toBe(first.b);
    // a was used before b, so c takes a's place.
    await check.verify(a, []);
    const cClaims = await check.verify(c, []);
    expect(await check.verify(c, [])).toBe(cClaims);
    expect(await check.verify(a, [])).toBe(first.a);
    expect(await check.verify(b, [])).not.toBe(first.b);
  });
});
