import type { FastifyInstance } from 'fastify';
import { applySeed, readSeedFile } from '../admin/seed.js';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { cryptoRandom } from '../core/random.js';
import { startExpiryPurge } from '../server/expiry-purge.js';
import { buildServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { buildPlaygroundClient } from './client/app.js';
import { demoSeed } from './demo-seed.js';
import { demoUrls, type DemoUrls } from './demo-urls.js';
import { buildResourceServer } from './resource-server/app.js';
import { seedDemoResources } from './resource-server/demo-resources.js';
import { openDemoResourceStore } from './resource-server/open-resource-store.js';
import type { DemoResourceStore } from './resource-server/resource-store.js';

export interface DemoOptions {
  /** The authorization server's configuration (its port, database, seed file, token lifetimes). */
  config: Config;
  resourcePort: number;
  clientPort: number;
  /** One clock for the three servers, so that tests can expire a token without sleeping. */
  clock?: Clock;
  /** false silences the three servers' logs (tests). */
  logger?: boolean;
}

export interface RunningDemo {
  urls: DemoUrls;
  store: Store;
  resources: DemoResourceStore;
  close(): Promise<void>;
}

/**
 * Starts `tessera demo` in this process: the authorization server, the Resource Server and the
 * Client playground, on one database with the demo seed applied (then `--seed`, which wins).
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const urls = demoUrls(config, options.resourcePort, options.clientPort);
  const logLevel = options.logger === false ? false : config.settings.logLevel;
  const store = await openStore(config.db);
  const apps: FastifyInstance[] = [];
  let resources: DemoResourceStore | undefined;
  try {
    const now = clock.nowSeconds();
    await applySeed(store, demoSeed(urls, now), now);
    if (config.seedFile) await applySeed(store, await readSeedFile(config.seedFile, now), now);
    resources = await openDemoResourceStore(config.db);
    await seedDemoResources(resources, store.users, cryptoRandom, now);
    apps.push(await buildServer({ settings: config.settings, store, clock, logger: logLevel !== false }));
    apps.push(await buildResourceServer({
      issuer: config.settings.issuer, audience: urls.resourceServer, allowedOrigin: new URL(urls.client).origin, resources, clock, logLevel,
    }));
    apps.push(await buildPlaygroundClient({ urls, accessTokenTtl: config.settings.accessTokenTtl, clock, logLevel }));
    const [authorizationServer, resourceServer, client] = apps as [FastifyInstance, FastifyInstance, FastifyInstance];
    await authorizationServer.listen({ port: config.port, host: config.host });
    await resourceServer.listen({ port: options.resourcePort, host: config.host });
    await client.listen({ port: options.clientPort, host: config.host });
  } catch (error) {
    await Promise.allSettled(apps.map((app) => app.close()));
    await resources?.close();
    await store.close();
    throw error;
  }
  const openResources = resources;
  const purge = startExpiryPurge(store, { clock });
  return {
    urls, store, resources: openResources,
    async close() {
      purge.stop();
      await Promise.allSettled(apps.map((app) => app.close()));
      await openResources.close();
      await store.close();
    },
  };
}
