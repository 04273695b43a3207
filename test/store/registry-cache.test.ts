import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryCache, REGISTRY_STALE_LIMIT_MS } from '../../src/store/registry-cache.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Client, ClientStore, ResourceServer, ResourceServerStore, Store } from '../../src/store/types.js';

const NOW = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'tessera-registry-cache-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

/** The store's lookups, counted, and optionally held until the test lets them finish. */
function counted(store: Store) {
  const reads = { clients: 0, resources: 0, versions: 0 };
  let gate: Promise<void> | undefined;
  let versionError: Error | undefined;
  const clients: ClientStore = {
    ...store.clients,
    get: async (id) => { reads.clients += 1; const found = await store.clients.get(id); await gate; return found; },
    list: () => store.clients.list(), upsert: (c) => store.clients.upsert(c), delete: (id, now) => store.clients.delete(id, now),
    replaceSecretHash: (id, e, r) => store.clients.replaceSecretHash(id, e, r),
  };
  const resources: ResourceServerStore = {
    get: async (id) => { reads.resources += 1; return store.resources.get(id); },
    list: () => store.resources.list(), upsert: (r) => store.resources.upsert(r), delete: (id) => store.resources.delete(id),
  };
  const registryVersion = {
    current: async () => { reads.versions += 1; if (versionError) throw versionError; return store.registryVersion.current(); },
    onLocalChange: (listener: () => void) => store.registryVersion.onLocalChange(listener),
  };
  return {
    source: { clients, resources, registryVersion }, reads,
    hold(): () => void { let open!: () => void; gate = new Promise((resolve) => { open = resolve; }); return () => { gate = undefined; open(); }; },
    failVersionReads(error: Error | undefined) { versionError = error; },
  };
}

describe('RegistryCache', () => {
  let path: string;
  let store: SqliteStore;
  let elsewhere: SqliteStore;
  let cache: RegistryCache | undefined;
  beforeEach(async () => {
    path = join(dir, `registry-${++files}.db`);
    store = new SqliteStore(path);
    // Another process on the same database: its writes reach the cache only through the version row.
    elsewhere = new SqliteStore(path);
    await store.clients.upsert(client('app'));
    await store.resources.upsert(resource('https://api.example/'));
  });
  afterEach(async () => {
    cache?.stop();
    cache = undefined;
    await elsewhere.close();
    await store.close();
  });

  it('answers a known client and a resource server from memory after the first read', async () => {
    const { source, reads } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 60_000 / 12 });
    for (let i = 0; i < 5; i++) {
      expect((await cache.clients.get('app'))?.clientId).toBe('app');
      expect((await cache.resources.get('https://api.example/'))?.scope).toEqual(['read']);
    }
    expect(reads.clients).toBe(1);
    expect(reads.resources).toBe(1);
  });

  it('forgets at once what this process wrote through the same store', async () => {
    const { source } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000 });
    expect((await cache.clients.get('app'))?.redirectUris).toEqual(['https://app.example/cb']);
    await store.clients.upsert(client('app', { redirectUris: ['https://app.example/new'] }));
    expect((await cache.clients.get('app'))?.redirectUris).toEqual(['https://app.example/new']);
    await cache.clients.replaceSecretHash('app', 'aGFzaC0x', 'aGFzaC0y');
    expect((await cache.clients.get('app'))?.secretHash).toBe('aGFzaC0y');
    await store.clients.delete('app', NOW);
    expect(await cache.clients.get('app')).toBeUndefined();
    await store.resources.upsert(resource('https://api.example/', { scope: ['write'] }));
    expect((await cache.resources.get('https://api.example/'))?.scope).toEqual(['write']);
  });

  it('sees a change made by another process at its next version read, and not before', async () => {
    const { source } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000 });
    expect(await cache.clients.get('app')).toBeDefined();
    await elsewhere.clients.delete('app', NOW);
    // Still cached: this is what the poll interval bounds.
    expect(await cache.clients.get('app')).toBeDefined();
    await cache.refresh();
    expect(await cache.clients.get('app')).toBeUndefined();
    await elsewhere.resources.delete('https://api.example/');
    await cache.refresh();
    expect(await cache.resources.get('https://api.example/')).toBeUndefined();
  });

  it('polls by itself every refreshMs', async () => {
    const { source } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 20 });
    expect(await cache.clients.get('app')).toBeDefined();
    await elsewhere.clients.upsert(client('app', { scope: ['admin'] }));
    const deadline = Date.now() + 2_000;
    while ((await cache.clients.get('app'))?.scope[0] !== 'admin' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await cache.clients.get('app'))?.scope).toEqual(['admin']);
  });

  it('keeps no unknown client_id: a flood of them grows nothing, and each is read again', async () => {
    const { source, reads } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000 });
    for (let i = 0; i < 1_000; i++) expect(await cache.clients.get(`nobody-${i}`)).toBeUndefined();
    expect(await cache.clients.get('nobody-1')).toBeUndefined();
    expect(cache.size().clients).toBe(0);
    expect(reads.clients).toBe(1_001);
    // A client registered later is found at once, even by another process.
    await elsewhere.clients.upsert(client('nobody-1'));
    expect(await cache.clients.get('nobody-1')).toBeDefined();
  });

  it('keeps an unknown resource as a miss, in a bounded map', async () => {
    const { source, reads } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000, maxEntries: 3 });
    expect(await cache.resources.get('https://default.example/')).toBeUndefined();
    expect(await cache.resources.get('https://default.example/')).toBeUndefined();
    expect(reads.resources).toBe(1);
    for (let i = 0; i < 20; i++) await cache.resources.get(`https://api-${i}.example/`);
    expect(cache.size().resources).toBe(3);
    // Registered elsewhere: the miss is forgotten at the next version read.
    await elsewhere.resources.upsert(resource('https://default.example/'));
    await cache.refresh();
    expect((await cache.resources.get('https://default.example/'))?.resource).toBe('https://default.example/');
  });

  it('bounds the clients it keeps', async () => {
    for (let i = 0; i < 10; i++) await store.clients.upsert(client(`c${i}`));
    cache = await RegistryCache.start(counted(store).source, { refreshMs: 5_000, maxEntries: 4 });
    for (let i = 0; i < 10; i++) await cache.clients.get(`c${i}`);
    expect(cache.size().clients).toBe(4);
  });

  it('does not keep a row read before a change that lands while it was read', async () => {
    const { source, reads, hold } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000 });
    const release = hold();
    const inFlight = cache.clients.get('app');
    await new Promise((r) => setTimeout(r, 10));
    // The old row was read; now the client is deleted (by this process: invalidation at once).
    await store.clients.delete('app', NOW);
    release();
    expect(await inFlight).toBeDefined();
    expect(await cache.clients.get('app')).toBeUndefined();
    expect(reads.clients).toBe(2);
  });

  it('does the same for a change seen through the version read', async () => {
    const { source, hold } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000 });
    const release = hold();
    const inFlight = cache.clients.get('app');
    await new Promise((r) => setTimeout(r, 10));
    await elsewhere.clients.delete('app', NOW);
    await cache.refresh();
    release();
    await inFlight;
    expect(await cache.clients.get('app')).toBeUndefined();
  });

  it('serves nothing from memory once the version could not be read for the stale limit', async () => {
    let now = 0;
    const errors: unknown[] = [];
    let recovered = 0;
    const { source, reads, failVersionReads } = counted(store);
    cache = await RegistryCache.start(source, { refreshMs: 5_000, now: () => now, onError: (e) => errors.push(e), onRecovered: () => { recovered += 1; } });
    await cache.clients.get('app');
    await cache.clients.get('app');
    expect(reads.clients).toBe(1);
    failVersionReads(new Error('database down'));
    now += 5_000;
    await cache.refresh();
    await cache.refresh();
    expect(errors).toHaveLength(1);
    await cache.clients.get('app');
    expect(reads.clients).toBe(1);
    now = REGISTRY_STALE_LIMIT_MS + 1;
    await elsewhere.clients.delete('app', NOW);
    expect(await cache.clients.get('app')).toBeUndefined();
    await elsewhere.clients.upsert(client('app'));
    await cache.clients.get('app');
    await cache.clients.get('app');
    expect(reads.clients).toBe(4);
    failVersionReads(undefined);
    await cache.refresh();
    expect(recovered).toBe(1);
    await cache.clients.get('app');
    await cache.clients.get('app');
    expect(reads.clients).toBe(5);
  });

  it('hands out frozen records, holding the keyed hash the store holds', async () => {
    cache = await RegistryCache.start(counted(store).source, { refreshMs: 5_000 });
    const found = await cache.clients.get('app') as Client;
    expect(found.secretHash).toBe('aGFzaC0x');
    expect(Object.isFrozen(found) && Object.isFrozen(found.redirectUris)).toBe(true);
    expect(() => { found.redirectUris.push('https://evil.example/'); }).toThrow(TypeError);
    expect((await store.clients.get('app'))?.redirectUris).toEqual(['https://app.example/cb']);
  });

  it('refuses a refresh interval that could not keep the bound', async () => {
    await expect(RegistryCache.start(counted(store).source, { refreshMs: REGISTRY_STALE_LIMIT_MS })).rejects.toThrow(RangeError);
    await expect(RegistryCache.start(counted(store).source, { refreshMs: 0 })).rejects.toThrow(RangeError);
  });
});
