import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceServerFromMetadata } from '../../src/core/resource-metadata.js';
import { createBearerVerifier } from '../../src/resource/index.js';
import type { SigningAlg } from '../../src/store/types.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Issue 11 §1: "A registered resource may choose the algorithm its tokens are signed with."
// Each resource's tokens carry its algorithm, `tessera/resource` verifies them against the JWKS
// (which publishes every algorithm's keys), and a resource registered while the server runs gets
// its algorithm from its first token on.

const RS = 'https://rs256.example';
const ED = 'https://eddsa.example';
const PLAIN = 'https://plain.example';
const LATE = 'https://late.example';
const client = {
  client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read', resources: [RS, ED, PLAIN, LATE],
};

async function tokenFor(server: RunningServer, resource: string): Promise<string> {
  const response = await postForm(`${server.issuer}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(resource)}`, { authorization: basic('svc', 'svc-secret') });
  expect(response.status).toBe(200);
  return response.json.access_token as string;
}

async function jwksAlgs(server: RunningServer): Promise<string[]> {
  const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { alg: string }[] };
  return jwks.keys.map((key) => key.alg).sort();
}

/** What an API built on tessera/resource does with the token: verify it, accepting only `alg`. */
async function verifiedAt(server: RunningServer, audience: string, token: string, alg: SigningAlg) {
  const verifier = createBearerVerifier({ issuer: server.issuer, audience, algorithms: [alg], clock: server.clock });
  return verifier.verify(`Bearer ${token}`, ['read']);
}

describe('a registered resource chooses the algorithm of its tokens', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      clients: [client],
      resources: [{ resource: RS, signing_alg: 'RS256' }, { resource: ED, signing_alg: 'EdDSA' }, { resource: PLAIN }],
    });
  });
  afterAll(async () => server?.close());

  it('publishes a key of every algorithm, chosen or not', async () => {
    expect(await jwksAlgs(server)).toEqual(['ES256', 'EdDSA', 'RS256']);
  });

  it.each([[RS, 'RS256'], [ED, 'EdDSA'], [PLAIN, 'ES256']] as const)('tokens for %s are %s, and tessera/resource verifies them accepting only that', async (resource, alg) => {
    const token = await tokenFor(server, resource);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg, typ: 'at+jwt' });
    const claims = await verifiedAt(server, resource, token, alg);
    expect(claims).toMatchObject({ audience: [resource], clientId: 'svc', scopes: ['read'] });
    // An API that accepts only another algorithm refuses it: the choice is real, not a label.
    const other: SigningAlg = alg === 'ES256' ? 'RS256' : 'ES256';
    await expect(verifiedAt(server, resource, token, other)).rejects.toThrow();
  });

  it('a resource registered while the server runs signs with the key of its algorithm published at start; the token writes no key', async () => {
    const fresh = await startServer({ clients: [client], resources: [{ resource: PLAIN }] });
    try {
      // RFC review H1: every algorithm has a key from the start, published long before anything signs with it.
      expect(await jwksAlgs(fresh)).toEqual(['ES256', 'EdDSA', 'RS256']);
      const before = await fresh.store.keys.listActive();
      const published = before.find((key) => key.alg === 'EdDSA');
      // As `tessera resource create --signing-alg EdDSA` on the same database does.
      await fresh.store.resources.upsert(resourceServerFromMetadata({ resource: LATE, signing_alg: 'EdDSA' }, fresh.clock.nowSeconds()));
      const token = await tokenFor(fresh, LATE);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: published?.kid });
      await verifiedAt(fresh, LATE, token, 'EdDSA');
      expect((await fresh.store.keys.listActive()).map((key) => key.kid).sort()).toEqual(before.map((key) => key.kid).sort());
      expect(decodeProtectedHeader(await tokenFor(fresh, PLAIN)).alg).toBe('ES256');
    } finally {
      await fresh.close();
    }
  });

  it('a key missing at signing time answers 503 temporarily_unavailable with Retry-After, never 500, and inserts nothing', async () => {
    const fresh = await startServer({ clients: [client], resources: [{ resource: PLAIN }, { resource: ED, signing_alg: 'EdDSA' }], server: { keyReloadMs: 50 } });
    try {
      // Retired behind the servers' back (SQL); the reload drops it from the ring.
      for (const key of await fresh.store.keys.listActive()) if (key.alg === 'EdDSA') await fresh.store.keys.deactivate(key.kid);
      await expect.poll(() => jwksAlgs(fresh), { timeout: 3_000, interval: 50 }).toEqual(['ES256', 'RS256']);
      const response = await postForm(`${fresh.issuer}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(ED)}`, { authorization: basic('svc', 'svc-secret') });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect((await fresh.store.keys.listActive()).some((key) => key.alg === 'EdDSA')).toBe(false);
      expect(decodeProtectedHeader(await tokenFor(fresh, PLAIN)).alg).toBe('ES256');
    } finally {
      await fresh.close();
    }
  });

  // RFC review L5: a signing_alg no code wrote (a hand edit in SQL) is a clear error, not a 500 per token.
  it('a resource whose stored signing_alg is unknown gets 503 temporarily_unavailable, not 500; the others are served', async () => {
    const fresh = await startServer({ clients: [client], resources: [{ resource: PLAIN }] });
    try {
      await fresh.store.resources.upsert({ ...resourceServerFromMetadata({ resource: LATE }, fresh.clock.nowSeconds()), signingAlg: 'HS256' as SigningAlg });
      const response = await postForm(`${fresh.issuer}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(LATE)}`, { authorization: basic('svc', 'svc-secret') });
      expect(response.status).toBe(503);
      expect(response.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(String(response.json.error_description)).not.toMatch(/HS256/);
      expect(decodeProtectedHeader(await tokenFor(fresh, PLAIN)).alg).toBe('ES256');
    } finally {
      await fresh.close();
    }
  });

  it('--signing-alg sets the algorithm of tokens whose resource chose none', async () => {
    const rsDefault = await startServer({ clients: [client], resources: [{ resource: PLAIN }, { resource: ED, signing_alg: 'EdDSA' }], flags: { signingAlg: 'RS256' } });
    try {
      expect(await jwksAlgs(rsDefault)).toEqual(['ES256', 'EdDSA', 'RS256']);
      const token = await tokenFor(rsDefault, PLAIN);
      expect(decodeProtectedHeader(token).alg).toBe('RS256');
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${rsDefault.issuer}/jwks`)), { algorithms: ['RS256'], audience: PLAIN, currentDate: new Date(rsDefault.clock.nowSeconds() * 1000) });
      expect(payload.client_id).toBe('svc');
      expect(decodeProtectedHeader(await tokenFor(rsDefault, ED)).alg).toBe('EdDSA');
    } finally {
      await rsDefault.close();
    }
  });
});
