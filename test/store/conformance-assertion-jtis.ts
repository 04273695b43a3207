import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, Store } from '../../src/store/types.js';

/**
 * The client assertion jti table's contract (src/store/types.ts ClientAssertionJtiStore), against
 * every backend: a jti is claimed once until it expires, also when two connections (two servers on
 * one database) race for it; expired rows are taken over and purged. Times lie beyond 2^32 seconds.
 */
const NOW = 4_102_444_800;

export function assertionJtiConformance(name: string, open: () => Promise<{ store: Store; connectAgain: () => Promise<Store> }>): void {
  describe(`${name}: client assertion jti conformance`, () => {
    let store: Store;
    let connectAgain: () => Promise<Store>;
    beforeEach(async () => { ({ store, connectAgain } = await open()); });
    afterEach(async () => { await store.close(); });

    it('claims a jti once per client until it expires', async () => {
      expect(await store.assertionJtis.claim('a', 'jti-1', NOW + 60, NOW)).toBe(true);
      expect(await store.assertionJtis.claim('a', 'jti-1', NOW + 60, NOW + 10)).toBe(false);
      expect(await store.assertionJtis.claim('a', 'jti-1', NOW + 90, NOW + 59)).toBe(false);
      // Another client's jti of the same value is its own.
      expect(await store.assertionJtis.claim('b', 'jti-1', NOW + 60, NOW)).toBe(true);
      // Once expired, the row is taken over by a new assertion with that jti.
      expect(await store.assertionJtis.claim('a', 'jti-1', NOW + 200, NOW + 60)).toBe(true);
      expect(await store.assertionJtis.claim('a', 'jti-1', NOW + 200, NOW + 100)).toBe(false);
    });

    it('purges the rows that have expired, and only those', async () => {
      await store.assertionJtis.claim('a', 'old', NOW + 10, NOW);
      await store.assertionJtis.claim('a', 'new', NOW + 100, NOW);
      expect(await store.assertionJtis.purgeExpired(NOW + 50)).toBe(1);
      expect(await store.assertionJtis.claim('a', 'new', NOW + 100, NOW + 50)).toBe(false);
      expect(await store.assertionJtis.claim('a', 'old', NOW + 100, NOW + 50)).toBe(true);
    });

    it('lets exactly one of many concurrent claims over two connections win', async () => {
      const other = await connectAgain();
      try {
        const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).assertionJtis.claim('a', 'raced', NOW + 60, NOW)));
        expect(claims.filter((won) => won)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('stores a client\'s jwks and jwks_uri', async () => {
      const base: Client = {
        clientId: 'keys', clientName: 'keys', secretHash: null, redirectUris: [], grantTypes: ['client_credentials'], responseTypes: [],
        scope: [], tokenEndpointAuthMethod: 'private_key_jwt', resources: [], skipConsent: false, applicationType: 'web', createdAt: NOW,
      };
      const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] };
      await store.clients.upsert({ ...base, jwks });
      expect(await store.clients.get('keys')).toEqual({ ...base, jwks });
      await store.clients.upsert({ ...base, jwksUri: 'https://client.example/jwks.json' });
      expect(await store.clients.get('keys')).toEqual({ ...base, jwksUri: 'https://client.example/jwks.json' });
    });
  });
}
