import { createHmac, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { claimsFromJwt } from '../src/claims.js';
import { BearerError, createBearerVerifier, type BearerVerifier } from '../src/index.js';

// The node:crypto verifier must accept exactly the tokens jose.jwtVerify (with the options the
// toolkit used to pass it, then the claim types claimsFromJwt checks) accepts: the same RFC 8725
// and RFC 9068 rules, nothing looser. fast-check builds tokens that differ from a valid one in
// the header, the claims, the key, or a character anywhere.

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://api.example';
const NOW = 1_900_000_000;
const ALL_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'];

interface Keys { es: KeyObject; rsa: KeyObject; ed: KeyObject; foreignEs: KeyObject; es384: KeyObject; jwks: { keys: JWK[] } }
let keys: Keys;
let ours: BearerVerifier;
/** How many tokens both verifiers accepted, so that a property that only ever saw refusals fails. */
let accepted = 0;

beforeAll(() => {
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const jwk = (key: KeyObject) => key.export({ format: 'jwk' }) as JWK;
  keys = {
    es: es.privateKey, rsa: rsa.privateKey, ed: ed.privateKey,
    foreignEs: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    es384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
    // The RSA key has no alg, so that it may verify RS* and PS* alike; the EC key names ES256.
    jwks: { keys: [
      { ...jwk(es.publicKey), kid: 'es', alg: 'ES256', use: 'sig' },
      { ...jwk(rsa.publicKey), kid: 'rs' },
      { ...jwk(ed.publicKey), kid: 'ed', use: 'sig' },
    ] },
  };
  ours = createBearerVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: keys.jwks, tokenCacheSize: 0, clock: new ManualClock(NOW) });
});

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Signer = 'es' | 'rsa' | 'ed' | 'foreignEs' | 'es384' | 'hmac' | 'none';

/** Signs whatever header and claims the test built, as an attacker (or a sloppy server) would. */
function signed(header: unknown, claims: unknown, alg: unknown, signer: Signer): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  const digest = typeof alg === 'string' && /384$/.test(alg) ? 'sha384' : typeof alg === 'string' && /512$/.test(alg) ? 'sha512' : 'sha256';
  switch (signer) {
    case 'es': case 'foreignEs': case 'es384':
      signature = sign(digest, data, { key: keys[signer], dsaEncoding: 'ieee-p1363' });
      break;
    case 'rsa':
      signature = typeof alg === 'string' && alg.startsWith('PS')
        ? sign(digest, data, { key: keys.rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
        : sign(digest, data, keys.rsa);
      break;
    case 'ed':
      signature = sign(null, data, keys.ed);
      break;
    case 'hmac':
      // Algorithm confusion: the published public key as an HMAC secret.
      signature = createHmac('sha256', JSON.stringify(keys.jwks.keys[0])).update(data).digest();
      break;
    case 'none':
      signature = Buffer.alloc(0);
      break;
  }
  return `${input}.${signature.toString('base64url')}`;
}

/** jose's verdict, with the options the toolkit gave jwtVerify before it verified on its own. */
async function joseAccepts(token: string): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks), {
      algorithms: ALL_ALGORITHMS, typ: 'at+jwt', issuer: ISSUER, audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'], clockTolerance: 5, currentDate: new Date(NOW * 1000),
    });
    claimsFromJwt(payload);
    return true;
  } catch {
    return false;
  }
}

async function oursAccepts(token: string): Promise<boolean> {
  try {
    await ours.verify(`Bearer ${token}`, []);
    return true;
  } catch (error) {
    // Every refusal of a token is a 401 invalid_token, never a crash nor a 503.
    if (!(error instanceof BearerError)) throw error;
    expect(error.status, error.description).toBe(401);
    return false;
  }
}

async function expectAgreement(token: string): Promise<void> {
  const verdict = await joseAccepts(token);
  expect(await oursAccepts(token), token).toBe(verdict);
  if (verdict) accepted += 1;
}

const VALID_CLAIMS: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, exp: NOW + 600, iat: NOW, sub: 'user-1', client_id: 'client-1', jti: 'jti-1', scope: 'read' };

/** Marks a member left out of the header or the claims. */
const ABSENT = Symbol('absent');

/** Mostly the valid value, sometimes one of the others: most tokens are then one or two mistakes from valid. */
function mostly(valid: unknown, ...others: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
}

/** Sometimes a value instead of the suite's own. */
function sometimes<T>(...others: T[]): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
}

function present(members: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== ABSENT));
}

const SUITES = [
  { alg: 'ES256', kid: 'es', signer: 'es' }, { alg: 'RS256', kid: 'rs', signer: 'rsa' },
  { alg: 'PS256', kid: 'rs', signer: 'rsa' }, { alg: 'EdDSA', kid: 'ed', signer: 'ed' },
] as const;

const tokenArbitrary = fc.record({
  suite: fc.constantFrom(...SUITES),
  alg: sometimes<unknown>(ABSENT, 'ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519', 'ES384', 'RS384', 'HS256', 'none', 'es256', '', 42, null),
  kid: sometimes<unknown>(ABSENT, 'es', 'rs', 'ed', 'unknown', 42, null, ''),
  signer: sometimes<Signer>('es', 'rsa', 'ed', 'foreignEs', 'es384', 'hmac', 'none'),
  typ: mostly('at+jwt', ABSENT, 'application/at+jwt', 'AT+JWT', 'Application/At+Jwt', 'JWT', 'application/jwt', 'x/at+jwt', 'at+jwt ', 5),
  crit: mostly(ABSENT, ['exp'], [], 'exp', ['b64'], [42]),
  extra: mostly({}, { jku: 'https://evil.example/jwks' }, { x5u: 'https://evil.example/x5c' }, { b64: false }, { zip: 'DEF' }),
  claims: fc.record({
    iss: mostly(ISSUER, ABSENT, `${ISSUER}/`, 'https://evil.example', 5),
    aud: mostly(AUDIENCE, ABSENT, [AUDIENCE], ['https://other.example', AUDIENCE], ['https://other.example'], 'https://other.example', [AUDIENCE, 5], []),
    exp: mostly(NOW + 600, ABSENT, NOW - 3, NOW - 5, NOW - 6, NOW - 600, '1900000600', null),
    nbf: mostly(ABSENT, NOW - 60, NOW + 5, NOW + 6, 'soon'),
    iat: mostly(NOW, ABSENT, NOW + 3600, '1900000000', null),
    sub: mostly('user-1', ABSENT, '', 5),
    client_id: mostly('client-1', ABSENT, '', 7),
    jti: mostly('jti-1', ABSENT, '', null),
    scope: mostly('read', ABSENT, 'read write', '', ['read'], 'read  write'),
  }),
});

describe('agreement with jose.jwtVerify', () => {
  it('accepts a valid token of each algorithm, as jose does', async () => {
    for (const [alg, kid, signer] of [['ES256', 'es', 'es'], ['RS256', 'rs', 'rsa'], ['PS256', 'rs', 'rsa'], ['EdDSA', 'ed', 'ed'], ['Ed25519', 'ed', 'ed']] as const) {
      const token = signed({ alg, typ: 'at+jwt', kid }, VALID_CLAIMS, alg, signer);
      expect(await joseAccepts(token), alg).toBe(true);
      expect(await oursAccepts(token), alg).toBe(true);
    }
  });

  it('agrees on tokens whose header, claims and key vary', async () => {
    accepted = 0;
    await fc.assert(fc.asyncProperty(tokenArbitrary, async (generated) => {
      const header = present({
        alg: generated.alg ?? generated.suite.alg, kid: generated.kid ?? generated.suite.kid, typ: generated.typ, crit: generated.crit,
        ...(generated.extra as object),
      });
      // The one extension jose understands: crit ["b64"] with b64 true. This verifier
      // understands none and refuses every crit (RFC 7515 §4.1.11): stricter, by design.
      fc.pre(!(Array.isArray(header.crit) && header.crit.includes('b64') && header.b64 === true));
      await expectAgreement(signed(header, present(generated.claims), header.alg, generated.signer ?? generated.suite.signer));
    }), { numRuns: 800 });
    // Both sides saw valid tokens too, not only refusals.
    expect(accepted).toBeGreaterThan(20);
  });

  it('agrees on a valid token with one character changed, added or removed anywhere', async () => {
    const tokens = [
      signed({ alg: 'ES256', typ: 'at+jwt', kid: 'es' }, VALID_CLAIMS, 'ES256', 'es'),
      signed({ alg: 'RS256', typ: 'at+jwt', kid: 'rs' }, VALID_CLAIMS, 'RS256', 'rsa'),
      signed({ alg: 'EdDSA', typ: 'at+jwt', kid: 'ed' }, VALID_CLAIMS, 'EdDSA', 'ed'),
    ];
    // The base64url alphabet and the dot: the characters of a compact JWS. ("=" padding is
    // left out: jose's decoder accepts a padded signature, this verifier does not, RFC 7515 §2.)
    const character = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.');
    await fc.assert(fc.asyncProperty(fc.nat({ max: 2 }), fc.nat(), character, fc.constantFrom('replace', 'insert', 'delete'),
      async (which, at, char, how) => {
        const token = tokens[which] as string;
        const position = at % token.length;
        const mutated = how === 'replace' ? token.slice(0, position) + char + token.slice(position + 1)
          : how === 'insert' ? token.slice(0, position) + char + token.slice(position)
            : token.slice(0, position) + token.slice(position + 1);
        await expectAgreement(mutated);
      }), { numRuns: 500 });
  });
});

describe('the cache changes no verdict', () => {
  it('a verifier with the cache and one without answer alike, whatever the tokens, scopes and clock', async () => {
    // A few tokens, valid and not, with short lifetimes and nbf, presented in any order while the
    // clock moves back and forth: the cached verifier must give the uncached one's answer each time.
    const pool = [
      signed({ alg: 'ES256', typ: 'at+jwt', kid: 'es' }, { ...VALID_CLAIMS, exp: NOW + 10 }, 'ES256', 'es'),
      signed({ alg: 'EdDSA', typ: 'at+jwt', kid: 'ed' }, { ...VALID_CLAIMS, exp: NOW + 30, nbf: NOW + 10, scope: 'read write' }, 'EdDSA', 'ed'),
      signed({ alg: 'RS256', typ: 'at+jwt', kid: 'rs' }, { ...VALID_CLAIMS, exp: NOW + 60, scope: 'write' }, 'RS256', 'rsa'),
      signed({ alg: 'ES256', typ: 'at+jwt', kid: 'es' }, { ...VALID_CLAIMS, exp: NOW + 20 }, 'ES256', 'foreignEs'),
      signed({ alg: 'ES256', typ: 'at+jwt', kid: 'es' }, { ...VALID_CLAIMS, aud: 'https://other.example' }, 'ES256', 'es'),
    ];
    const step = fc.record({
      token: fc.nat({ max: pool.length - 1 }),
      scopes: fc.constantFrom([], ['read'], ['write'], ['read', 'write']),
      advance: fc.integer({ min: -20, max: 20 }),
    });
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
      const clock = new ManualClock(NOW);
      const options = { issuer: ISSUER, audience: AUDIENCE, jwks: keys.jwks, clock };
      const cached = createBearerVerifier({ ...options, tokenCacheSize: 2 });
      const uncached = createBearerVerifier({ ...options, tokenCacheSize: 0 });
      const answer = (verifier: BearerVerifier, token: string, scopes: readonly string[]) => verifier.verify(`Bearer ${token}`, scopes)
        .then((claims) => `ok ${claims.tokenId}`, (error: BearerError) => `${error.status} ${error.description}`);
      for (const { token, scopes, advance } of steps) {
        clock.advance(advance);
        const text = pool[token] as string;
        expect(await answer(cached, text, scopes)).toBe(await answer(uncached, text, scopes));
      }
    }), { numRuns: 150 });
  });
});
