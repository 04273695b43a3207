// Measurement of the resource-server check, one operation at a time, per CPU second:
// jose.jwtVerify with a local key, createBearerVerifier without its token cache (every call
// verifies the signature), and with it (the same token again). Rounds alternate so a noisy
// neighbour slows all alike. Build first: npm run build -w @tessera/resource
//   node packages/resource/scripts/measure-verify.mjs [seconds-per-round] [rounds]
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { createBearerVerifier } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 5);
const issuer = 'https://as.example';
const audience = 'https://api.example';

/**
 * Operations per second of CPU time used by this process (all its threads: WebCrypto, which jose
 * uses, runs on libuv's pool): on a shared machine, wall-clock rates mostly measure the neighbours.
 */
async function opsPerSecond(fn) {
  const warm = performance.now() + 200;
  while (performance.now() < warm) await fn();
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  do {
    for (let i = 0; i < 20; i += 1) await fn();
    ops += 20;
  } while (performance.now() < end);
  const cpu = process.cpuUsage(cpuStart);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

for (const alg of ['ES256', 'RS256', 'EdDSA']) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg, use: 'sig' };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'bench-client', scope: 'read write' })
    .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'k1' }).setIssuer(issuer).setSubject('bench-client').setAudience(audience)
    .setIssuedAt(now).setExpirationTime(now + 3600).setJti('bench-jti-0123456789ab').sign(privateKey);
  const joseKey = await importJWK(jwk, alg);
  const joseOptions = { issuer, audience, typ: 'at+jwt', algorithms: [alg], requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'] };
  const uncached = createBearerVerifier({ issuer, audience, jwks: { keys: [jwk] }, tokenCacheSize: 0 });
  const cached = createBearerVerifier({ issuer, audience, jwks: { keys: [jwk] } });
  const header = `Bearer ${token}`;
  const totals = { jose: [], uncached: [], cached: [] };
  for (let round = 0; round < rounds; round += 1) {
    totals.jose.push(await opsPerSecond(() => jwtVerify(token, joseKey, joseOptions)));
    totals.uncached.push(await opsPerSecond(() => uncached.verify(header, ['read'])));
    totals.cached.push(await opsPerSecond(() => cached.verify(header, ['read'])));
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  // Each round's ratio is of two runs a second apart, so it suffers less from the neighbours'
  // load changing than a ratio of medians taken across rounds.
  const ratio = (name) => median(totals[name].map((rate, round) => rate / totals.jose[round]));
  console.log(`${alg}: jose.jwtVerify ${Math.round(median(totals.jose))}/s; uncached ${Math.round(median(totals.uncached))}/s `
    + `(${ratio('uncached').toFixed(2)}x jose); cached ${Math.round(median(totals.cached))}/s (${ratio('cached').toFixed(0)}x jose)`
    + `  [per CPU second; rounds: ${Object.entries(totals).map(([k, v]) => `${k}=${v.map(Math.round).join(',')}`).join(' ')}]`);
}
