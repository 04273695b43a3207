import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptStoreRow } from '../../src/store/rows.js';
import type { ResourceServer, SigningAlg, Store } from '../../src/store/types.js';

/**
 * The contract of ResourceServerStore (src/store/types.ts), run against every backend like
 * conformance.ts: a fresh, empty store for each test, times beyond 2^32 seconds.
 */
const NOW = 4_102_444_800;

function resourceServer(overrides: Partial<ResourceServer> = {}): ResourceServer {
  return {
    resource: 'https://api.example.com',
    scope: ['read', 'write'],
    introspectionClients: ['api-gateway', 'billing'],
    createdAt: NOW,
    ...overrides,
  };
}

export function resourceServerConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: resource server store conformance`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('returns undefined for an unknown resource, and lists none at first', async () => {
      expect(await store.resources.get('https://nowhere.example')).toBeUndefined();
      expect(await store.resources.list()).toEqual([]);
    });

    it('stores every field, empty lists included', async () => {
      const full = resourceServer();
      const bare = resourceServer({ resource: 'urn:example:api', scope: [], introspectionClients: [] });
      await store.resources.upsert(full);
      await store.resources.upsert(bare);
      expect(await store.resources.get(full.resource)).toEqual(full);
      expect(await store.resources.get(bare.resource)).toEqual(bare);
    });

    it('stores the signing algorithm a resource chose, and none when it chose none; upsert replaces it', async () => {
      const rs = resourceServer({ resource: 'https://rs.example', signingAlg: 'RS256' });
      const ed = resourceServer({ resource: 'https://ed.example', signingAlg: 'EdDSA' });
      await store.resources.upsert(rs);
      await store.resources.upsert(ed);
      expect(await store.resources.get(rs.resource)).toEqual(rs);
      expect(await store.resources.get(ed.resource)).toEqual(ed);
      await store.resources.upsert(resourceServer({ resource: 'https://rs.example' }));
      expect(await store.resources.get(rs.resource)).toEqual(resourceServer({ resource: 'https://rs.example' }));
      expect(await store.resources.get(rs.resource)).not.toHaveProperty('signingAlg');
      await store.resources.upsert(resourceServer({ resource: 'https://rs.example', signingAlg: 'ES256' }));
      expect((await store.resources.get(rs.resource))?.signingAlg).toBe('ES256');
    });

    // RFC review L5: signing_alg read from the database was trusted as is.
    it('refuses a row whose signing_alg is no algorithm it knows, with a message naming the row and the fix', async () => {
      // As a hand edit in SQL (or a newer version) would leave it.
      await store.resources.upsert(resourceServer({ signingAlg: 'HS256' as SigningAlg }));
      await expect(store.resources.get('https://api.example.com')).rejects.toThrow(CorruptStoreRow);
      await expect(store.resources.get('https://api.example.com')).rejects.toThrow(/"https:\/\/api\.example\.com" has signing_alg "HS256", not one of ES256, RS256, EdDSA/);
      await expect(store.resources.list()).rejects.toThrow(CorruptStoreRow);
      await store.resources.upsert(resourceServer({ signingAlg: 'RS256' }));
      expect((await store.resources.get('https://api.example.com'))?.signingAlg).toBe('RS256');
    });

    it('keeps the order of scopes and introspection clients', async () => {
      const ordered = resourceServer({ scope: ['write', 'admin', 'read'], introspectionClients: ['zeta', 'alpha'] });
      await store.resources.upsert(ordered);
      expect(await store.resources.get(ordered.resource)).toEqual(ordered);
    });

    it('compares identifiers exactly: a trailing slash or another case is another resource', async () => {
      await store.resources.upsert(resourceServer({ resource: 'https://api.example.com' }));
      expect(await store.resources.get('https://api.example.com/')).toBeUndefined();
      expect(await store.resources.get('https://API.example.com')).toBeUndefined();
    });

    it('upsert replaces scope and introspection clients and keeps the first created_at', async () => {
      await store.resources.upsert(resourceServer());
      await store.resources.upsert(resourceServer({ scope: ['read'], introspectionClients: [], createdAt: NOW + 60 }));
      expect(await store.resources.get('https://api.example.com')).toEqual(resourceServer({ scope: ['read'], introspectionClients: [] }));
      expect(await store.resources.list()).toHaveLength(1);
    });

    it('lists every resource server, ordered by identifier', async () => {
      const b = resourceServer({ resource: 'https://b.example' });
      const a = resourceServer({ resource: 'https://a.example', introspectionClients: [] });
      await store.resources.upsert(b);
      await store.resources.upsert(a);
      expect(await store.resources.list()).toEqual([a, b]);
    });

    it('delete removes one resource server, true once, then false', async () => {
      const kept = resourceServer({ resource: 'https://kept.example' });
      const gone = resourceServer({ resource: 'https://gone.example' });
      await store.resources.upsert(kept);
      await store.resources.upsert(gone);
      expect(await store.resources.delete(gone.resource)).toBe(true);
      expect(await store.resources.delete(gone.resource)).toBe(false);
      expect(await store.resources.get(gone.resource)).toBeUndefined();
      expect(await store.resources.list()).toEqual([kept]);
    });
  });
}
