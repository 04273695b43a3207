import { constants, createPrivateKey, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../test/helpers/server.js';
import { BearerError, createBearerVerifier } from '../src/index.js';
import { accessTokenClaims, fetchToken, RESOURCE_SERVER, SERVICE, signAccessToken, startMockIssuer, type MockIssuer } from './fixtures.js';

// The authorization server may sign with ES256, RS256 or EdDSA. Tessera's tokens (ES256 today) come
// from a real server over HTTP; RS256 and EdDSA tokens are signed here with jose, under keys an
// issuer publishes at its jwks_uri, until the server signs with them too.

let tessera: RunningServer;
let mock: MockIssuer;
const signers: Record<'ES256' | 'RS256' | 'EdDSA', { key: CryptoKey; jwk: JWK }> = {} as never;

beforeAll(async () => {
  tessera = await startServer({ clients: [SERVICE, RESOURCE_SERVER] });
  mock = await startMockIssuer();
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    signers[alg] = { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid: `key-${alg}`, alg, use: 'sig' } };
  }
  mock.jwks.keys = Object.values(signers).map((signer) => signer.jwk);
});
afterAll(async () => {
  await mock?.close();
  await tessera?.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refusal(promise: Promise<unknown>): Promise<BearerError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof BearerError)) throw new Error(`expected a BearerError, got ${String(error)}`);
  return error;
}

describe('signing algorithms', () => {
  it('verifies the ES256 tokens the real server issues, uncached and cached', async () => {
    for (const tokenCacheSize of [0, 16]) {
      const verifier = createBearerVerifier({ issuer: tessera.issuer, audience: tessera.config.settings.audience, tokenCacheSize });
      const token = await fetchToken(tessera.issuer, { scope: 'read write' });
      for (let i = 0; i < 3; i += 1) {
        await expect(verifier.verify(`Bearer ${token}`, ['read', 'write'])).resolves.toMatchObject({ subject: SERVICE.client_id, issuer: tessera.issuer });
      }
    }
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('verifies %s tokens with the key of the issuer JWKS', async (alg) => {
    const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
    const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example', { scope: 'read' }), signers[alg].key,
      { alg, typ: 'at+jwt', kid: `key-${alg}` });
    await expect(verifier.verify(`Bearer ${token}`, ['read'])).resolves.toMatchObject({ issuer: mock.issuer, scopes: ['read'], verifiedBy: 'jwt' });
    await expect(verifier.verify(`Bearer ${token}`, ['read'])).resolves.toMatchObject({ issuer: mock.issuer });
    expect(await refusal(verifier.verify(`Bearer ${token}`, ['write']))).toMatchObject({ status: 403 });
  });

  it('refuses a token whose alg is not the one its key is published for', async () => {
    const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
    const claims = accessTokenClaims(mock.issuer, 'https://api.example');
    // PS256 with the RS256 key: the JWK's alg forbids it (RFC 7517 §4.4).
    const rsa = createPrivateKey({ key: await exportJWK(signers.RS256.key) as never, format: 'jwk' });
    const input = `${b64({ alg: 'PS256', typ: 'at+jwt', kid: 'key-RS256' })}.${b64(claims)}`;
    const pss = `${input}.${sign('sha256', Buffer.from(input), { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url')}`;
    expect(await refusal(verifier.verify(`Bearer ${pss}`, []))).toMatchObject({
      status: 401, description: 'The access token is not signed with a key the authorization server publishes.',
    });
    // An EdDSA token that names the EC key's kid.
    const crossed = await signAccessToken(claims, signers.EdDSA.key, { alg: 'EdDSA', typ: 'at+jwt', kid: 'key-ES256' });
    expect(await refusal(verifier.verify(`Bearer ${crossed}`, []))).toMatchObject({
      status: 401, description: 'The access token is not signed with a key the authorization server publishes.',
    });
    // A resource that accepts only RS256 refuses the others.
    const rsOnly = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example', algorithms: ['RS256'] });
    const es = await signAccessToken(claims, signers.ES256.key, { alg: 'ES256', typ: 'at+jwt', kid: 'key-ES256' });
    expect(await refusal(rsOnly.verify(`Bearer ${es}`, []))).toMatchObject({ status: 401, description: expect.stringMatching(/algorithm/) });
  });
});
