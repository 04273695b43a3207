import { performance } from 'node:perf_hooks';
import type { Client, ClientStore, RegistryVersionStore, ResourceServer, ResourceServerStore } from './types.js';

/** How often each process reads the registry version by default, in ms. */
export const DEFAULT_REGISTRY_REFRESH_MS = 2_000;
/**
 * The bound (docs/SECURITY.md): an entry is served only while the last successful read of the
 * registry version started at most this long ago. Past it (the database does not answer, the
 * event loop stalled), every lookup reads the store, as if there were no cache.
 */
export const REGISTRY_STALE_LIMIT_MS = 10_000;
/** Entries kept per registry; the oldest go first. */
export const DEFAULT_REGISTRY_CACHE_ENTRIES = 10_000;

export interface RegistryCacheOptions {
  /** How often the registry version is read, in ms (at most REGISTRY_STALE_LIMIT_MS / 2). */
  refreshMs?: number;
  /** Entries kept per registry (clients, resource servers). */
  maxEntries?: number;
  /** Reading the registry version failed; entries are served until the stale limit, then none. */
  onError?: (error: unknown) => void;
  onRecovered?: () => void;
  /** A monotonic clock in ms (tests); default performance.now. */
  now?: () => number;
}

/** Insertion-ordered, bounded: a full map forgets its oldest entry. */
class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key) && this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** Cached records are shared by every request: frozen, so that no caller can change another's. */
function frozenClient(client: Client): Client {
  return Object.freeze({
    ...client,
    redirectUris: Object.freeze([...client.redirectUris]) as string[],
    grantTypes: Object.freeze([...client.grantTypes]) as string[],
    responseTypes: Object.freeze([...client.responseTypes]) as string[],
    scope: Object.freeze([...client.scope]) as string[],
    resources: Object.freeze([...client.resources]) as string[],
  });
}

function frozenResource(resource: ResourceServer): ResourceServer {
  return Object.freeze({
    ...resource,
    scope: Object.freeze([...resource.scope]) as string[],
    introspectionClients: Object.freeze([...resource.introspectionClients]) as string[],
  });
}

type Source = { clients: ClientStore; resources: ResourceServerStore; registryVersion: RegistryVersionStore };

/**
 * The client registry and the resource-server registry of one process, read from memory.
 *
 * Invalidation: every write to either registry bumps a version row in its own transaction
 * (RegistryVersionStore). A write made through the same store object empties this cache at once
 * (onLocalChange); every process also reads the version every `refreshMs` and empties its cache
 * when it moved, so a change made by another worker, instance or `tessera client ...` reaches
 * every process within one interval, and never later than REGISTRY_STALE_LIMIT_MS.
 *
 * A lookup that misses reads the store and keeps the answer only if no invalidation happened
 * while it read: a read that began before a change and ends after it never refills the cache
 * with the old row. Unknown client_ids are not kept (anyone can send one); unknown resources are
 * (their keys come from registered clients and stored tokens, never from the request alone), in
 * a bounded map.
 *
 * The cache holds what the store holds: a client's keyed secret hash, never a secret. The
 * secret is still compared, in constant time, on every request (core/client-auth.ts).
 */
export class RegistryCache {
  readonly clients: ClientStore;
  readonly resources: ResourceServerStore;

  private readonly clientEntries: BoundedMap<string, Client>;
  private readonly resourceEntries: BoundedMap<string, ResourceServer | null>;
  /** Moves at every invalidation; a read that saw another generation keeps nothing. */
  private generation = 0;
  private knownVersion: number | undefined;
  /** When the last successful version read started (monotonic ms). */
  private verifiedAt = Number.NEGATIVE_INFINITY;
  private polling: Promise<void> | undefined;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  readonly refreshMs: number;

  private constructor(private readonly source: Source, private readonly options: RegistryCacheOptions) {
    this.now = options.now ?? (() => performance.now());
    this.refreshMs = options.refreshMs ?? DEFAULT_REGISTRY_REFRESH_MS;
    if (!(this.refreshMs > 0 && this.refreshMs <= REGISTRY_STALE_LIMIT_MS / 2)) {
      throw new RangeError(`refreshMs must be above 0 and at most ${REGISTRY_STALE_LIMIT_MS / 2}.`);
    }
    const max = options.maxEntries ?? DEFAULT_REGISTRY_CACHE_ENTRIES;
    this.clientEntries = new BoundedMap(max);
    this.resourceEntries = new BoundedMap(max);
    this.unsubscribe = source.registryVersion.onLocalChange(() => this.invalidate());
    this.clients = this.cachedClients(source.clients);
    this.resources = this.cachedResources(source.resources);
  }

  /** Reads the version once (a failure only means no entry is served until a read succeeds), then polls. */
  static async start(source: Source, options: RegistryCacheOptions = {}): Promise<RegistryCache> {
    const cache = new RegistryCache(source, options);
    await cache.refresh();
    cache.timer = setInterval(() => { void cache.refresh(); }, cache.refreshMs);
    cache.timer.unref();
    return cache;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    this.invalidate();
  }

  /** Drops every entry, and every read in flight from refilling it. */
  invalidate(): void {
    this.generation += 1;
    this.clientEntries.clear();
    this.resourceEntries.clear();
  }

  /** How many entries are held (clients, resource servers), for tests and metrics. */
  size(): { clients: number; resources: number } {
    return { clients: this.clientEntries.size, resources: this.resourceEntries.size };
  }

  /** Reads the registry version now; empties the cache when it moved. One read at a time. */
  refresh(): Promise<void> {
    this.polling ??= this.readVersion().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private async readVersion(): Promise<void> {
    const startedAt = this.now();
    try {
      const version = await this.source.registryVersion.current();
      if (version !== this.knownVersion) {
        this.invalidate();
        this.knownVersion = version;
      }
      // The start, not the end: a change committed after the read began may not be in it.
      this.verifiedAt = startedAt;
      if (this.failing) {
        this.failing = false;
        this.options.onRecovered?.();
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.options.onError?.(error);
      }
    }
  }

  private fresh(): boolean {
    return this.now() - this.verifiedAt <= REGISTRY_STALE_LIMIT_MS;
  }

  private cachedClients(store: ClientStore): ClientStore {
    return {
      get: async (clientId) => {
        if (this.fresh()) {
          const hit = this.clientEntries.get(clientId);
          if (hit !== undefined) return hit;
        }
        const generation = this.generation;
        const client = await store.get(clientId);
        if (client === undefined) return undefined;
        const frozen = frozenClient(client);
        if (generation === this.generation && this.fresh()) this.clientEntries.set(clientId, frozen);
        return frozen;
      },
      list: () => store.list(),
      upsert: (client) => store.upsert(client),
      replaceSecretHash: (clientId, expected, replacement) => store.replaceSecretHash(clientId, expected, replacement),
      delete: (clientId, now) => store.delete(clientId, now),
    };
  }

  private cachedResources(store: ResourceServerStore): ResourceServerStore {
    return {
      get: async (resource) => {
        if (this.fresh() && this.resourceEntries.has(resource)) return this.resourceEntries.get(resource) ?? undefined;
        const generation = this.generation;
        const found = await store.get(resource);
        const frozen = found === undefined ? null : frozenResource(found);
        if (generation === this.generation && this.fresh()) this.resourceEntries.set(resource, frozen);
        return frozen ?? undefined;
      },
      list: () => store.list(),
      upsert: (resource) => store.upsert(resource),
      delete: (resource) => store.delete(resource),
    };
  }
}
