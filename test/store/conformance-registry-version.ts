import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, ResourceServer, Store } from '../../src/store/types.js';

/**
 * The contract of RegistryVersionStore (src/store/types.ts): every write to the client or
 * resource-server registry moves the counter in its own transaction, so that another process
 * (here: another connection to the same database) sees it move, and the store object that made the
 * write tells its own process at once. `open` gives a fresh database and a way to connect to it again.
 */
const NOW = 4_102_444_800;

function client(clientId: string, overrides: Partial<Client> = {}): Client {
  return {
    clientId, clientName: 'App', secretHash: 'aGFzaC0x', redirectUris: ['https://app.example/cb'],
    grantTypes: ['client_credentials'], responseTypes: [], scope: ['read'], tokenEndpointAuthMethod: 'client_secret_basic',
    resources: [], skipConsent: false, applicationType: 'web', createdAt: NOW, ...overrides,
  };
}

function resource(id: string, overrides: Partial<ResourceServer> = {}): ResourceServer {
  return { resource: id, scope: ['read'], introspectionClients: [], createdAt: NOW, ...overrides };
}

export interface SharedDatabase {
  store: Store;
  /** Another connection to the same database, as another process would have. */
  connectAgain(): Promise<Store>;
}

export function registryVersionConformance(name: string, open: () => Promise<SharedDatabase>): void {
  describe(`${name}: registry version conformance`, () => {
    let db: SharedDatabase;
    let other: Store;
    beforeEach(async () => {
      db = await open();
      other = await db.connectAgain();
    });
    afterEach(async () => {
      await other.close();
      await db.store.close();
    });

    /** Runs `write` and says by how much the counter moved, as another connection sees it. */
    async function moves(write: () => Promise<unknown>): Promise<number> {
      const before = await other.registryVersion.current();
      await write();
      return (await other.registryVersion.current()) - before;
    }

    it('moves with every client write that changed something, as another connection sees it', async () => {
      const { store } = db;
      expect(await moves(() => store.clients.upsert(client('a')))).toBe(1);
      expect(await moves(() => store.clients.upsert(client('a', { redirectUris: ['https://app.example/other'] })))).toBe(1);
      expect(await moves(() => store.clients.replaceSecretHash('a', 'aGFzaC0x', 'aGFzaC0y'))).toBe(1);
      // A compare-and-set that lost, and deleting an unknown client, change nothing.
      expect(await moves(() => store.clients.replaceSecretHash('a', 'aGFzaC0x', 'aGFzaC0z'))).toBe(0);
      expect(await moves(() => store.clients.delete('nobody', NOW))).toBe(0);
      expect(await moves(() => store.clients.delete('a', NOW))).toBe(1);
      expect(await other.clients.get('a')).toBeUndefined();
    });

    it('moves with every resource-server write that changed something', async () => {
      const { store } = db;
      expect(await moves(() => store.resources.upsert(resource('https://api.example/')))).toBe(1);
      expect(await moves(() => store.resources.upsert(resource('https://api.example/', { scope: ['write'] })))).toBe(1);
      expect(await moves(() => store.resources.delete('https://nowhere.example/'))).toBe(0);
      expect(await moves(() => store.resources.delete('https://api.example/'))).toBe(1);
    });

    it('moves when deleting a client takes it out of an API\'s introspection clients', async () => {
      const { store } = db;
      await store.clients.upsert(client('gateway'));
      await store.resources.upsert(resource('https://api.example/', { introspectionClients: ['gateway'] }));
      expect(await moves(() => store.clients.delete('gateway', NOW))).toBe(1);
      expect((await other.resources.get('https://api.example/'))?.introspectionClients).toEqual([]);
    });

    it('counts every one of many concurrent writes from two connections', async () => {
      const before = await db.store.registryVersion.current();
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? db.store : other).clients.upsert(client(`c${i}`))));
      expect(await db.store.registryVersion.current()).toBe(before + 10);
      expect(await other.registryVersion.current()).toBe(before + 10);
    });

    it('tells the listeners of the store object that wrote, after the write committed, and no one else', async () => {
      const { store } = db;
      const seen: number[] = [];
      const seenByOther: number[] = [];
      const unsubscribe = store.registryVersion.onLocalChange(() => {
        // Called after the commit: the new state is already what another connection reads.
        void other.registryVersion.current().then((version) => seen.push(version));
      });
      other.registryVersion.onLocalChange(() => seenByOther.push(1));
      const start = await other.registryVersion.current();
      await store.clients.upsert(client('a'));
      await store.resources.upsert(resource('https://api.example/'));
      await store.clients.delete('a', NOW);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.sort()).toEqual([start + 1, start + 2, start + 3]);
      expect(seenByOther).toEqual([]);
      unsubscribe();
      await store.clients.upsert(client('b'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toHaveLength(3);
    });

    it('never moves backwards, and starts on a number', async () => {
      const first = await db.store.registryVersion.current();
      expect(Number.isSafeInteger(first)).toBe(true);
      await db.store.clients.upsert(client('a'));
      expect(await db.store.registryVersion.current()).toBeGreaterThan(first);
    });
  });
}
