import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { generateSigningKey, KeyRing, RETIRE_MARGIN_SECONDS } from '../../src/keys/key-ring.js';
import { sealJwk } from '../../src/keys/sealed-jwk.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SigningAlg, SigningKey } from '../../src/store/types.js';

// The shared keyring contract: a current key per algorithm (ES256 access tokens, RS256 and EdDSA
// OpenID Connect ID tokens), KeyRing.signer(now, alg) and KeyRing.ensureSigningAlgs.

const NOW = 1_800_000_000;
const secrets = ServerSecrets.ephemeral();
const stores: SqliteStore[] = [];
afterEach(async () => { for (const store of stores.splice(0)) await store.close(); });

function openStore(): SqliteStore {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  return store;
}

async function sealedKey(createdAt: number, options: { alg?: SigningAlg; signsFrom?: number } = {}): Promise<SigningKey> {
  const key = await generateSigningKey(createdAt, options);
  return { ...key, privateJwk: { ...sealJwk(key.privateJwk, key.kid, secrets) } };
}

describe('KeyRing per algorithm', () => {
  it('ensureSigningAlgs adds one key of each missing algorithm, once, and signer(now, alg) picks it', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const access = ring.signer(NOW);
    expect(access.alg).toBe('ES256');
    expect(() => ring.signer(NOW, 'RS256')).toThrow(/no active RS256 signing key/);
    await ring.ensureSigningAlgs(['RS256', 'EdDSA'], NOW);
    await ring.ensureSigningAlgs(['RS256', 'EdDSA'], NOW);
    expect((await store.keys.listActive()).map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(ring.signer(NOW, 'RS256').alg).toBe('RS256');
    expect(ring.signer(NOW, 'EdDSA').alg).toBe('EdDSA');
    // Without an algorithm: still the access-token key, although the others are newer.
    expect(ring.signer(NOW).kid).toBe(access.kid);
    // A second ring on the same database (another server) finds them and adds nothing.
    const other = await KeyRing.load(store.keys, NOW, secrets);
    await other.ensureSigningAlgs(['RS256', 'EdDSA'], NOW);
    expect(await store.keys.listActive()).toHaveLength(3);
    expect(other.signer(NOW, 'RS256').kid).toBe(ring.signer(NOW, 'RS256').kid);
  });

  it('rotates within an algorithm: the newer RS256 key signs ID tokens from its time on, the ES256 key keeps signing access tokens', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    await ring.ensureSigningAlgs(['RS256'], NOW);
    const first = ring.signer(NOW, 'RS256').kid;
    const rotated = await sealedKey(NOW + 1, { alg: 'RS256', signsFrom: NOW + 100 });
    await store.keys.insert(rotated);
    await ring.reload();
    expect(ring.signer(NOW + 99, 'RS256').kid).toBe(first);
    expect(ring.signer(NOW + 100, 'RS256').kid).toBe(rotated.kid);
    expect(ring.signer(NOW + 100).alg).toBe('ES256');
  });

  it('retires replaced keys per algorithm: a newer ID-token key never retires the access-token key', async () => {
    const store = openStore();
    const clock = new ManualClock(NOW);
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const access = ring.signer(NOW).kid;
    await ring.ensureSigningAlgs(['RS256'], NOW + 10);
    const retired: string[] = [];
    ring.startReloading({ intervalMs: 10, clock, onError: (error) => { throw error; }, retireExpiredAfter: 300, onRetired: ({ kid }) => retired.push(kid) });
    try {
      clock.advance(10 + 300 + RETIRE_MARGIN_SECONDS + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(retired).toEqual([]);
      expect(ring.signer(clock.nowSeconds()).kid).toBe(access);
      expect(ring.jwks.keys).toHaveLength(2);
    } finally {
      await ring.stop();
    }
  });
});
