// Single-core ceilings, measured in this process while no load runs: one operation after the
// other (the next starts when the previous has finished), so the rate is what one core gives.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';

const BATCH = 20;

/** Operations per second of a synchronous function. */
export function syncOpsPerSecond(fn, seconds) {
  const warmEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now;
  do {
    for (let i = 0; i < BATCH; i++) fn();
    ops += BATCH;
    now = performance.now();
  } while (now < end);
  return Math.round(ops / ((now - start) / 1000));
}

/** Operations per second of an async function, awaited one at a time. */
export async function asyncOpsPerSecond(fn, seconds) {
  const warmEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now;
  do {
    for (let i = 0; i < BATCH; i++) await fn();
    ops += BATCH;
    now = performance.now();
  } while (now < end);
  return Math.round(ops / ((now - start) / 1000));
}

/** The claims of an RFC 9068 access token as Tessera mints them for client_credentials. */
function tokenClaims(issuer, audience) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer, sub: 'bench-client', aud: audience, iat: now, exp: now + 3600,
    jti: 'bench-jti-0123456789ab', client_id: 'bench-client', scope: 'read',
  };
}

/** ES256 signatures per second: node:crypto directly, and jose's SignJWT as Tessera uses it. */
export async function signCeilings(seconds) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // A KeyObject made from a JWK, as Tessera's KeyRing makes its signing key.
  const key = createPrivateKey({ key: privateKey.export({ format: 'jwk' }), format: 'jwk' });
  const header = { alg: 'ES256', typ: 'at+jwt', kid: 'bench' };
  const claims = tokenClaims('http://127.0.0.1:9000', 'https://api.bench.test');
  const signingInput = Buffer.from(
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`);
  const nodeCrypto = syncOpsPerSecond(() => sign('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }), seconds);
  const jose = await asyncOpsPerSecond(
    () => new SignJWT({ client_id: claims.client_id, scope: claims.scope }).setProtectedHeader(header)
      .setIssuer(claims.iss).setSubject(claims.sub).setAudience(claims.aud).setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp).setJti(claims.jti).sign(key),
    seconds);
  return { nodeCrypto, jose };
}
