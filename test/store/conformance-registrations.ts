import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, Store } from '../../src/store/types.js';

/**
 * The contract of ClientRegistrationStore (src/store/types.ts): self-registered clients under a
 * cap, RFC 7592 token rotation that one of two concurrent updates wins, the once-a-day touch, the
 * idle purge that ends grants, and initial access tokens counted atomically.
 */
const NOW = 4_102_444_800;
const DAY = Math.floor(NOW / 86_400);

function client(clientId: string, overrides: Partial<Client> = {}): Client {
  return {
    clientId, clientName: clientId, secretHash: null, redirectUris: ['http://127.0.0.1/cb'], grantTypes: ['authorization_code'],
    responseTypes: ['code'], scope: ['openid'], tokenEndpointAuthMethod: 'none', resources: [], skipConsent: false,
    applicationType: 'native', createdAt: NOW, ...overrides,
  };
}

export function registrationConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: client registration store conformance`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('registers a client with its registration, and refuses a taken client_id', async () => {
      expect(await store.registrations.register(client('dyn-1'), 'hash-1', NOW, 10)).toBe('registered');
      expect(await store.clients.get('dyn-1')).toEqual(client('dyn-1'));
      expect(await store.registrations.find('dyn-1')).toEqual({ clientId: 'dyn-1', tokenHash: 'hash-1', registeredAt: NOW, lastUsedDay: DAY });
      await store.clients.upsert(client('admin-1'));
      expect(await store.registrations.register(client('admin-1'), 'hash-2', NOW, 10)).toBe('taken');
      expect(await store.registrations.find('admin-1')).toBeUndefined();
      expect(await store.registrations.count()).toBe(1);
    });

    it('never passes the cap, even with registrations in parallel', async () => {
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => store.registrations.register(client(`dyn-${i}`), `h-${i}`, NOW, 5)));
      expect(outcomes.filter((o) => o === 'registered')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'full')).toHaveLength(3);
      expect(await store.registrations.count()).toBe(5);
      expect((await store.registrations.list()).map((r) => r.clientId)).toHaveLength(5);
    });

    it('updates the client and rotates the token only with the current token hash; one of two concurrent updates wins', async () => {
      await store.registrations.register(client('dyn-1'), 'hash-1', NOW, 10);
      expect(await store.registrations.update(client('dyn-1', { clientName: 'Wrong' }), 'other', 'hash-x')).toBe(false);
      const results = await Promise.all([
        store.registrations.update(client('dyn-1', { clientName: 'A' }), 'hash-1', 'hash-a'),
        store.registrations.update(client('dyn-1', { clientName: 'B' }), 'hash-1', 'hash-b'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'A' : 'B';
      expect((await store.clients.get('dyn-1'))?.clientName).toBe(winner);
      expect((await store.registrations.find('dyn-1'))?.tokenHash).toBe(winner === 'A' ? 'hash-a' : 'hash-b');
    });

    it('touch only moves the day forward', async () => {
      await store.registrations.register(client('dyn-1'), 'hash-1', NOW, 10);
      await store.registrations.touch('dyn-1', DAY + 3);
      await store.registrations.touch('dyn-1', DAY + 1);
      expect((await store.registrations.find('dyn-1'))?.lastUsedDay).toBe(DAY + 3);
      await store.registrations.touch('nobody', DAY + 3);
      expect(await store.registrations.find('nobody')).toBeUndefined();
    });

    it('purges idle registrations with their grants, and leaves used and admin clients alone', async () => {
      await store.registrations.register(client('idle'), 'h1', NOW, 10);
      await store.registrations.register(client('used'), 'h2', NOW, 10);
      await store.clients.upsert(client('admin'));
      await store.registrations.touch('used', DAY + 40);
      await store.consents.grant('user-1', 'idle', 'https://api', ['openid'], NOW);
      expect(await store.registrations.purgeIdle(DAY + 30, NOW + 40 * 86_400)).toBe(1);
      expect(await store.clients.get('idle')).toBeUndefined();
      expect(await store.consents.find('user-1', 'idle', 'https://api')).toBeUndefined();
      expect(await store.clients.get('used')).toBeDefined();
      expect(await store.clients.get('admin')).toBeDefined();
      expect(await store.registrations.count()).toBe(1);
    });

    it('deleting the client deletes its registration; an administrator registering it adopts it', async () => {
      await store.registrations.register(client('dyn-1'), 'h1', NOW, 10);
      await store.registrations.register(client('dyn-2'), 'h2', NOW, 10);
      expect(await store.clients.delete('dyn-1', NOW)).toBe(true);
      expect(await store.registrations.find('dyn-1')).toBeUndefined();
      await store.clients.upsert(client('dyn-2', { clientName: 'Adopted' }));
      expect(await store.registrations.find('dyn-2')).toBeUndefined();
      expect(await store.registrations.count()).toBe(0);
    });

    it('initial access tokens: expiry and use counts, atomically', async () => {
      await store.registrations.createInitialToken({ id: 'iat1', tokenHash: 't1', createdAt: NOW, expiresAt: NOW + 60, maxUses: 3, uses: 0 });
      await store.registrations.createInitialToken({ id: 'iat2', tokenHash: 't2', createdAt: NOW, expiresAt: null, maxUses: null, uses: 0 });
      const uses = await Promise.all(Array.from({ length: 6 }, () => store.registrations.useInitialToken('t1', NOW)));
      expect(uses.filter(Boolean)).toHaveLength(3);
      expect(await store.registrations.useInitialToken('t2', NOW + 10 ** 6)).toBe(true);
      expect(await store.registrations.useInitialToken('unknown', NOW)).toBe(false);
      await store.registrations.createInitialToken({ id: 'iat3', tokenHash: 't3', createdAt: NOW, expiresAt: NOW + 60, maxUses: null, uses: 0 });
      expect(await store.registrations.useInitialToken('t3', NOW + 60)).toBe(false);
      expect(await store.registrations.listInitialTokens()).toEqual([
        { id: 'iat1', tokenHash: 't1', createdAt: NOW, expiresAt: NOW + 60, maxUses: 3, uses: 3 },
        { id: 'iat2', tokenHash: 't2', createdAt: NOW, expiresAt: null, maxUses: null, uses: 1 },
        { id: 'iat3', tokenHash: 't3', createdAt: NOW, expiresAt: NOW + 60, maxUses: null, uses: 0 },
      ]);
      expect(await store.registrations.revokeInitialToken('iat2')).toBe(true);
      expect(await store.registrations.revokeInitialToken('iat2')).toBe(false);
      expect(await store.registrations.useInitialToken('t2', NOW)).toBe(false);
    });
  });
}
