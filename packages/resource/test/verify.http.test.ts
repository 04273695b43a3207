import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { generateSigningKey } from '../../../src/keys/key-ring.js';
import { metadataUrl } from '../src/discovery.js';
import {
  BearerError, createBearerVerifier, verifyBearer, type BearerVerifierOptions,
} from '../src/index.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { startServer, type RunningServer } from '../../../test/helpers/server.js';
import {
  accessTokenClaims, fetchToken, foreignKey, introspectionCredentials, NOTHING_LISTENS, RESOURCE_SERVER, SERVICE, signAccessToken,
  startMockIssuer, startRestartableTessera, type MockIssuer,
} from './fixtures.js';

let tessera: RunningServer;

beforeAll(async () => {
  tessera = await startServer({ clients: [SERVICE, RESOURCE_SERVER] });
});
afterAll(async () => tessera?.close());

/** The rejection of a promise that must reject with a BearerError. */
async function bearerError(promise: Promise<unknown>): Promise<BearerError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof BearerError)) throw new Error(`expected a BearerError, got ${String(error)}`);
  return error;
}

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;
}

describe('claims', () => {
  it('maps an RFC 9068 access token to AccessTokenClaims, scope string to list', async () => {
    const verifier = createBearerVerifier({ issuer: tessera.issuer, audience: tessera.config.settings.audience });
    const token = await fetchToken(tessera.issuer, { scope: 'read write' });
    const claims = await verifier.verify(`Bearer ${token}`, ['write', 'read']);
    const raw = claims.raw;
    expect(claims).toEqual({
      issuer: tessera.issuer,
      subject: SERVICE.client_id,
      audience: [tessera.config.settings.audience],
      clientId: SERVICE.client_id,
      scopes: ['read', 'write'],
      expiresAt: tessera.clock.nowSeconds() + tessera.config.settings.accessTokenTtl,
      issuedAt: tessera.clock.nowSeconds(),
      tokenId: raw.jti,
      verifiedBy: 'jwt',
      raw,
    });
    expect(raw).toMatchObject({ scope: 'read write', client_id: SERVICE.client_id });
    expect(typeof raw.jti).toBe('string');
  });

  it('maps a token with no scope claim to an empty list, and a list audience as is', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256', use: 'sig' }];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
      const claims = accessTokenClaims(mock.issuer, 'unused', { aud: ['https://other.example', 'https://api.example'] });
      delete claims.scope;
      const token = await signAccessToken(claims, key, { alg: 'ES256', typ: 'application/at+jwt', kid: 'k1' });
      const verified = await verifier.verify(`Bearer ${token}`, []);
      expect(verified.scopes).toEqual([]);
      expect(verified.audience).toEqual(['https://other.example', 'https://api.example']);
      expect(await bearerError(verifier.verify(`Bearer ${token}`, ['read']))).toMatchObject({ status: 403, error: 'insufficient_scope' });
    } finally {
      await mock.close();
    }
  });

  it('refuses claims of the wrong type that jose does not check', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
      for (const [claim, value] of [['client_id', 42], ['sub', ''], ['scope', ['read']], ['jti', null], ['aud', ['https://api.example', 42]]] as const) {
        const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example', { [claim]: value }), key,
          { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
        const error = await bearerError(verifier.verify(`Bearer ${token}`, []));
        expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
        expect(error.description).toContain(claim);
      }
    } finally {
      await mock.close();
    }
  });

  it('applies the clock tolerance, and an injected clock', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const now = Math.floor(Date.now() / 1000);
      const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example', { iat: now - 100, exp: now - 3 }), key,
        { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
      const options = { issuer: mock.issuer, audience: 'https://api.example' };
      await expect(createBearerVerifier(options).verify(`Bearer ${token}`, [])).resolves.toBeDefined();
      const strict = createBearerVerifier({ ...options, clockToleranceSeconds: 0 });
      expect(await bearerError(strict.verify(`Bearer ${token}`, []))).toMatchObject({ status: 401, description: 'The access token has expired.' });
      const clock = new ManualClock(now - 50);
      await expect(createBearerVerifier({ ...options, clockToleranceSeconds: 0, clock }).verify(`Bearer ${token}`, [])).resolves.toBeDefined();
    } finally {
      await mock.close();
    }
  });
});

describe('discovery (RFC 8414)', () => {
  it('inserts the well-known suffix between host and path (§3.1)', () => {
    expect(metadataUrl('https://as.example')).toBe('https://as.example/.well-known/oauth-authorization-server');
    expect(metadataUrl('https://as.example/')).toBe('https://as.example/.well-known/oauth-authorization-server');
    expect(metadataUrl('https://as.example/tenant/a')).toBe('https://as.example/.well-known/oauth-authorization-server/tenant/a');
    expect(metadataUrl('https://as.example/tenant/a/')).toBe('https://as.example/.well-known/oauth-authorization-server/tenant/a');
    expect(metadataUrl('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000/.well-known/oauth-authorization-server');
  });

  it('finds the keys of an issuer with a path', async () => {
    const mock = await startMockIssuer({ issuerPath: '/tenants/acme' });
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
      const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
      await expect(verifier.verify(`Bearer ${token}`, ['read'])).resolves.toMatchObject({ issuer: mock.issuer });
      expect(mock.paths).toEqual(['/.well-known/oauth-authorization-server/tenants/acme', '/tenants/acme/jwks']);
    } finally {
      await mock.close();
    }
  });

  it('refuses metadata whose issuer is not the configured one (§3.3), as unavailable', async () => {
    const mock = await startMockIssuer();
    try {
      mock.metadataIssuer = 'https://impostor.example';
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
      const token = await fetchToken(tessera.issuer);
      const error = await bearerError(verifier.verify(`Bearer ${token}`, []));
      expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      expect(String((error.cause as Error).message)).toMatch(/impostor.*RFC 8414 §3.3/);
      // The public description names no host: the detail is in cause, for logs.
      expect(error.description).not.toContain('127.0.0.1');
      expect(mock.hits.jwks).toBe(0);
    } finally {
      await mock.close();
    }
  });

  it('answers 503 while the issuer is down, and recovers without a restart', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });

      mock.failures.metadata = 500;
      expect(await bearerError(verifier.verify(`Bearer ${token}`, []))).toMatchObject({ status: 503, wwwAuthenticate: 'Bearer realm="https://api.example"' });
      delete mock.failures.metadata;
      mock.failures.jwks = 502;
      expect(await bearerError(verifier.verify(`Bearer ${token}`, []))).toMatchObject({ status: 503 });
      delete mock.failures.jwks;
      await expect(verifier.verify(`Bearer ${token}`, [])).resolves.toMatchObject({ subject: SERVICE.client_id });
    } finally {
      await mock.close();
    }
  });

  it('answers 503 when nothing listens at the issuer', async () => {
    const verifier = createBearerVerifier({ issuer: NOTHING_LISTENS, audience: 'https://api.example' });
    const token = await fetchToken(tessera.issuer);
    expect(await bearerError(verifier.verify(`Bearer ${token}`, []))).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
  });

  it('fetches metadata and keys once, however many requests arrive at once', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example' });
      await Promise.all(Array.from({ length: 20 }, () => verifier.verify(`Bearer ${token}`, ['read'])));
      for (let i = 0; i < 20; i += 1) await verifier.verify(`Bearer ${token}`, ['read']);
      expect(mock.hits).toEqual({ metadata: 1, jwks: 1 });
    } finally {
      await mock.close();
    }
  });

  it('verifyBearer reuses the verifier of one options object', async () => {
    const mock = await startMockIssuer();
    try {
      const { key, publicJwk } = await foreignKey();
      mock.jwks.keys = [{ ...publicJwk, kid: 'k1', alg: 'ES256' }];
      const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
      const options: BearerVerifierOptions = { issuer: mock.issuer, audience: 'https://api.example' };
      for (let i = 0; i < 5; i += 1) await verifyBearer(`Bearer ${token}`, ['read'], options);
      expect(mock.hits).toEqual({ metadata: 1, jwks: 1 });
      expect(await bearerError(verifyBearer(undefined, [], options))).toMatchObject({ status: 401, error: null });
    } finally {
      await mock.close();
    }
  });

  it('uses injected keys without fetching anything', async () => {
    const { key, publicJwk } = await foreignKey();
    const issuer = NOTHING_LISTENS;
    const verifier = createBearerVerifier({ issuer, audience: 'https://api.example', jwks: { keys: [{ ...publicJwk, kid: 'k1', alg: 'ES256' }] } });
    const token = await signAccessToken(accessTokenClaims(issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    await expect(verifier.verify(`Bearer ${token}`, [])).resolves.toMatchObject({ issuer });
  });
});

describe('key rotation', () => {
  async function signedBy(mock: MockIssuer, kid: string) {
    const { key, publicJwk } = await foreignKey();
    const jwk = { ...publicJwk, kid, alg: 'ES256' };
    const token = await signAccessToken(accessTokenClaims(mock.issuer, 'https://api.example'), key, { alg: 'ES256', typ: 'at+jwt', kid });
    return { jwk, token };
  }

  it('refetches the JWKS for a kid it has not seen, once the cooldown has passed', async () => {
    const mock = await startMockIssuer();
    try {
      const first = await signedBy(mock, 'k1');
      const second = await signedBy(mock, 'k2');
      mock.jwks.keys = [first.jwk];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example', jwksCooldownMs: 0 });
      await verifier.verify(`Bearer ${first.token}`, []);
      expect(mock.hits.jwks).toBe(1);
      mock.jwks.keys = [first.jwk, second.jwk];
      await expect(verifier.verify(`Bearer ${second.token}`, [])).resolves.toBeDefined();
      expect(mock.hits.jwks).toBe(2);
      await verifier.verify(`Bearer ${first.token}`, []);
      await verifier.verify(`Bearer ${second.token}`, []);
      expect(mock.hits.jwks).toBe(2);
    } finally {
      await mock.close();
    }
  });

  it('does not refetch within the cooldown, so unknown kids cannot make it hammer the server', async () => {
    const mock = await startMockIssuer();
    try {
      const first = await signedBy(mock, 'k1');
      mock.jwks.keys = [first.jwk];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example', jwksCooldownMs: 60_000 });
      await verifier.verify(`Bearer ${first.token}`, []);
      for (let i = 0; i < 5; i += 1) {
        const forged = await signedBy(mock, `unknown-${i}`);
        expect(await bearerError(verifier.verify(`Bearer ${forged.token}`, []))).toMatchObject({ status: 401, error: 'invalid_token' });
      }
      expect(mock.hits.jwks).toBe(1);
    } finally {
      await mock.close();
    }
  });

  it('fetches the keys once for many unknown kids at once after the cooldown, and not again within it', async () => {
    const mock = await startMockIssuer();
    try {
      const first = await signedBy(mock, 'k1');
      mock.jwks.keys = [first.jwk];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example', jwksCooldownMs: 200 });
      await verifier.verify(`Bearer ${first.token}`, []);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const forged = await Promise.all(Array.from({ length: 10 }, (_, i) => signedBy(mock, `unknown-${i}`)));
      const answers = await Promise.all(forged.map(({ token }) => bearerError(verifier.verify(`Bearer ${token}`, []))));
      expect(answers.every((answer) => answer.status === 401)).toBe(true);
      expect(mock.hits.jwks).toBe(2);
    } finally {
      await mock.close();
    }
  });

  it('stops accepting a cached token once its key is withdrawn from the JWKS and the keys are fetched again', async () => {
    const mock = await startMockIssuer();
    try {
      const old = await signedBy(mock, 'k-old');
      const replacement = await signedBy(mock, 'k-new');
      mock.jwks.keys = [old.jwk];
      const verifier = createBearerVerifier({ issuer: mock.issuer, audience: 'https://api.example', jwksMaxAgeMs: 200 });
      const cached = await verifier.verify(`Bearer ${old.token}`, []);
      expect(await verifier.verify(`Bearer ${old.token}`, [])).toBe(cached);
      // Emergency rotation: the old key is gone from the set.
      mock.jwks.keys = [replacement.jwk];
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await bearerError(verifier.verify(`Bearer ${old.token}`, []))).toMatchObject({
        status: 401, description: 'The access token is not signed with a key the authorization server publishes.',
      });
      await expect(verifier.verify(`Bearer ${replacement.token}`, [])).resolves.toBeDefined();
      expect(mock.hits.jwks).toBe(2);
    } finally {
      await mock.close();
    }
  });

  it('accepts tokens of a key Tessera rotated to after a restart, and still those of the old key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-rotation-'));
    const store = new SqliteStore(join(dir, 'tessera.db'));
    const server = await startRestartableTessera(store);
    try {
      const verifier = createBearerVerifier({ issuer: server.issuer, audience: server.audience, jwksCooldownMs: 0 });
      const oldToken = await fetchToken(server.issuer);
      await verifier.verify(`Bearer ${oldToken}`, []);

      // Tessera loads its keys at start: add a newer key, then restart under the same issuer.
      const now = Math.floor(Date.now() / 1000);
      const rotated = await generateSigningKey(now + 60, { signsFrom: now });
      await store.keys.insert(rotated);
      await server.restart();

      const newToken = await fetchToken(server.issuer);
      expect(kidOf(newToken)).toBe(rotated.kid);
      expect(kidOf(oldToken)).not.toBe(rotated.kid);
      await expect(verifier.verify(`Bearer ${newToken}`, [])).resolves.toMatchObject({ subject: SERVICE.client_id });
      await expect(verifier.verify(`Bearer ${oldToken}`, [])).resolves.toMatchObject({ subject: SERVICE.client_id });
    } finally {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('introspection (RFC 7662)', () => {
  it('answers 503, not 401, when the resource server credentials are wrong', async () => {
    const verifier = createBearerVerifier({
      issuer: tessera.issuer, audience: tessera.config.settings.audience,
      introspection: { clientId: RESOURCE_SERVER.client_id, clientSecret: 'wrong' },
    });
    const error = await bearerError(verifier.verify('Bearer tsr_at_whatever', []));
    expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(String((error.cause as Error).message)).toMatch(/HTTP 401/);
  });

  it('refuses opaque tokens when no introspection credentials are configured', async () => {
    const verifier = createBearerVerifier({ issuer: tessera.issuer, audience: tessera.config.settings.audience });
    expect(await bearerError(verifier.verify('Bearer tsr_at_whatever', []))).toMatchObject({
      status: 401, error: 'invalid_token', description: expect.stringMatching(/only JWT access tokens/),
    });
  });

  it('sends a token with an odd number of dots to introspection, not to the JWT path', async () => {
    const verifier = createBearerVerifier({ issuer: tessera.issuer, audience: tessera.config.settings.audience, introspection: introspectionCredentials });
    expect(await bearerError(verifier.verify('Bearer a.b.c.d', []))).toMatchObject({ status: 401, description: expect.stringMatching(/not active/) });
    expect(await bearerError(verifier.verify('Bearer a.b.c', []))).toMatchObject({ status: 401, description: expect.stringMatching(/well-formed/) });
  });
});

describe('options', () => {
  it.each([
    [{ issuer: 'not a url', audience: 'a' }, /absolute URL/],
    [{ issuer: 'https://as.example?x=1', audience: 'a' }, /query or fragment/],
    [{ issuer: 'ftp://as.example', audience: 'a' }, /https/],
    [{ issuer: 'https://as.example', audience: '' }, /audience/],
    [{ issuer: 'https://as.example', audience: 'a', algorithms: ['HS256'] }, /not an asymmetric/],
    [{ issuer: 'https://as.example', audience: 'a', algorithms: ['none'] }, /not an asymmetric/],
    [{ issuer: 'https://as.example', audience: 'a', algorithms: [] }, /at least one/],
    [{ issuer: 'https://as.example', audience: 'a', clockToleranceSeconds: -1 }, /non-negative/],
  ])('refuses %j at construction', (options, message) => {
    expect(() => createBearerVerifier(options as BearerVerifierOptions)).toThrow(message);
  });

  it('accepts only the algorithms it is told to', async () => {
    const verifier = createBearerVerifier({ issuer: tessera.issuer, audience: tessera.config.settings.audience, algorithms: ['EdDSA'] });
    const token = await fetchToken(tessera.issuer);
    expect(await bearerError(verifier.verify(`Bearer ${token}`, []))).toMatchObject({ status: 401, description: expect.stringMatching(/algorithm/) });
  });
});
