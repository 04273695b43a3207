// The resource-server check (issue 12 §4), through `tessera/resource`'s public API only:
//  - uncached: every call verifies a token the verifier has not seen (a pool of real tokens
//    minted by the running Tessera), against jose.jwtVerify with a local key on the same tokens;
//  - repeated: the same token again and again (what the verified-token cache is for), against
//    jose.jwtVerify of that token;
// one operation at a time on one core, the two sides alternating in rounds so that a noisy
// neighbour slows both alike.
import { performance } from 'node:perf_hooks';
import { importJWK, jwtVerify } from 'jose';
import { asyncOpsPerSecond } from './micro.mjs';

/** `count` distinct access tokens from the server, `parallel` requests at a time. */
export async function mintPool(mint, count, parallel = 16) {
  const tokens = [];
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      next++;
      tokens.push(await mint());
    }
  }));
  return tokens;
}

/**
 * Verifications per second of distinct tokens: each pass takes a fresh verifier (keys given,
 * so no network), warms it with one token outside the pool, then verifies every pool token once.
 * Only the verifications are timed.
 */
async function distinctRate(makeVerifier, warmToken, pool, seconds) {
  let ops = 0;
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    const verifier = makeVerifier();
    await verifier.verify(`Bearer ${warmToken}`, ['read']);
    const start = performance.now();
    for (const token of pool) await verifier.verify(`Bearer ${token}`, ['read']);
    elapsed += performance.now() - start;
    ops += pool.length;
  }
  return Math.round(ops / (elapsed / 1000));
}

/**
 * @param {{ pool: string[], issuer: string, audience: string, jwks: { keys: object[] },
 *           resourceModule: any, seconds: number }} input pool: at least 2 distinct tokens
 */
export async function resourceVerifyRates({ pool, issuer, audience, jwks, resourceModule, seconds }) {
  const out = { joseDistinct: null, resourceDistinct: null, joseRepeated: null, resourceRepeated: null, error: null, poolSize: pool.length };
  const [warmToken, ...tokens] = pool;
  const options = { issuer, audience, typ: 'at+jwt', algorithms: ['ES256'] };
  const keys = new Map();
  // The server publishes a key of every algorithm (ES256, RS256, EdDSA); the tokens here are ES256.
  for (const jwk of jwks.keys) if (jwk.alg === 'ES256') keys.set(jwk.kid, await importJWK(jwk, 'ES256'));
  // A local key, already imported: jose at its fastest.
  const keyFor = (header) => keys.get(header.kid);
  await jwtVerify(warmToken, keyFor, options);
  if (!resourceModule?.createBearerVerifier) {
    out.error = 'tessera/resource has no createBearerVerifier';
    return out;
  }
  const makeVerifier = () => resourceModule.createBearerVerifier({ issuer, audience, jwks });
  try {
    await makeVerifier().verify(`Bearer ${warmToken}`, ['read']);
  } catch (error) {
    out.error = `tessera/resource verify failed: ${error?.message ?? error}`;
    return out;
  }
  const rounds = 3;
  const sums = { joseDistinct: 0, resourceDistinct: 0, joseRepeated: 0, resourceRepeated: 0 };
  const repeated = makeVerifier();
  const header = `Bearer ${warmToken}`;
  for (let round = 0; round < rounds; round++) {
    const share = seconds / rounds;
    let i = 0;
    sums.joseDistinct += await asyncOpsPerSecond(() => jwtVerify(tokens[i++ % tokens.length], keyFor, options), share);
    sums.resourceDistinct += await distinctRate(makeVerifier, warmToken, tokens, share);
    sums.joseRepeated += await asyncOpsPerSecond(() => jwtVerify(warmToken, keyFor, options), share);
    sums.resourceRepeated += await asyncOpsPerSecond(() => repeated.verify(header, ['read']), share);
  }
  for (const key of Object.keys(sums)) out[key] = Math.round(sums[key] / rounds);
  return out;
}
