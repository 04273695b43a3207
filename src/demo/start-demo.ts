import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { applySeed, readSeedFile } from '../admin/seed.js';
import { loadServerSecrets } from '../admin/server-secret-file.js';
import { SecretHashing } from '../core/secret-hash.js';
import type { Config } from '../config.js';
import { settingsOnBoundPort, type ServerSettings } from '../server/settings.js';
import { systemClock, type Clock } from '../core/clock.js';
import { cryptoRandom } from '../core/random.js';
import { startExpiryPurge } from '../server/expiry-purge.js';
import { buildServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { buildPlaygroundClient } from './client/app.js';
import { demoSeed, PLAYGROUND_CLIENTS } from './demo-seed.js';
import { refreshPageAccessTokenTtl } from './refresh-page-ttl.js';
import { breakItAccessTokenTtl } from './break-it-ttl.js';
import { demoUrls, type DemoUrls } from './demo-urls.js';
import { boundPort, closeHttp, listenHttp, serveWhenReady } from '../server/http-listener.js';
import { buildResourceServer } from './resource-server/app.js';
import { seedDemoResources } from './resource-server/demo-resources.js';
import { openDemoResourceStore } from './resource-server/open-resource-store.js';
import type { DemoResourceStore } from './resource-server/resource-store.js';

export interface DemoOptions {
  /** The authorization server's configuration (its port, database, seed file, token lifetimes). */
  config: Config;
  /** 0 here, or in config.port, picks a free port (tests); the URLs then carry the ports bound. */
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
  /** The keyed hashes of the demo's server secret: a client added to `store` needs its secret hashed with them. */
  hashing: SecretHashing;
  resources: DemoResourceStore;
  close(): Promise<void>;
}

/**
 * Starts `tessera demo` in this process: the authorization server, the Resource Server and the
 * Client playground, on one database with the demo seed applied (then `--seed`, which wins).
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const clock = options.clock ?? systemClock;
  // Bound first, so that port 0 works: the URLs the three servers give each other need the ports.
  const servers: Server[] = [];
  for (const port of [options.config.port, options.resourcePort, options.clientPort]) {
    try {
      servers.push(await listenHttp(port, options.config.host));
    } catch (error) {
      await Promise.all(servers.map(closeHttp));
      throw error;
    }
  }
  const [authorizationServerHttp, resourceServerHttp, clientHttp] = servers as [Server, Server, Server];
  // Requests that arrive while the three are built get 503 until all are ready.
  const gates = [serveWhenReady(authorizationServerHttp), serveWhenReady(resourceServerHttp), serveWhenReady(clientHttp)] as const;
  const config = { ...options.config, settings: settingsOnBoundPort(options.config.settings, boundPort(authorizationServerHttp)) };
  const urls = demoUrls(config, boundPort(resourceServerHttp), boundPort(clientHttp));
  const refreshTtl = refreshPageAccessTokenTtl(config.settings.accessTokenTtl);
  const settings: ServerSettings = {
    ...demoAudience(config.settings, urls),
    accessTokenTtlByClient: new Map([
      [PLAYGROUND_CLIENTS.refreshToken.clientId, refreshTtl],
      [PLAYGROUND_CLIENTS.breakItService.clientId, breakItAccessTokenTtl(config.settings.accessTokenTtl)],
    ]),
  };
  const logLevel = options.logger === false ? false : config.settings.logLevel;
  const secrets = loadServerSecrets(config.secret);
  const hashing = new SecretHashing(secrets);
  let store: Store | undefined;
  const apps: FastifyInstance[] = [];
  let resources: DemoResourceStore | undefined;
  try {
    store = await openStore(config.db);
    const now = clock.nowSeconds();
    await applySeed(store, demoSeed(urls, now, hashing), now);
    if (config.seedFile) await applySeed(store, await readSeedFile(config.seedFile, now, hashing), now);
    resources = await openDemoResourceStore(config.db);
    await seedDemoResources(resources, store.users, cryptoRandom, now);
    apps.push(await buildServer({ settings, store, clock, secrets, logger: logLevel !== false, serverFactory: gates[0].factory }));
    apps.push(await buildResourceServer({
      issuer: config.settings.issuer, audience: urls.resourceServer, allowedOrigin: new URL(urls.client).origin, resources, clock, logLevel,
      serverFactory: gates[1].factory,
    }));
    apps.push(await buildPlaygroundClient({ urls, accessTokenTtl: config.settings.accessTokenTtl, refreshPageAccessTokenTtl: refreshTtl, clock, logLevel, serverFactory: gates[2].factory }));
    await Promise.all(apps.map((app) => app.ready()));
    for (const gate of gates) gate.open();
  } catch (error) {
    await Promise.allSettled(apps.map((app) => app.close()));
    await Promise.all(servers.map(closeHttp));
    await resources?.close();
    await store?.close();
    throw error;
  }
  const openedStore = store;
  const openResources = resources;
  const purge = startExpiryPurge(openedStore, { clock, registrationIdleDays: config.settings.dynamicRegistration.idleDays });
  return {
    urls, store: openedStore, resources: openResources, hashing,
    async close() {
      purge.stop();
      await Promise.allSettled(apps.map((app) => app.close()));
      // Served through serverFactory without app.listen(), so Fastify leaves them to us.
      await Promise.all(servers.map(closeHttp));
      await openResources.close();
      await openedStore.close();
    },
  };
}


/**
 * In the demo, tokens are for the demo Resource Server unless --audience names another: a client
 * added with --seed or `tessera client create` and no `resources` gets tokens that API accepts,
 * and that no other API would (the issuer is the audience only when nothing else is known).
 */
function demoAudience(settings: ServerSettings, urls: DemoUrls): ServerSettings {
  return settings.audience === settings.issuer ? { ...settings, audience: urls.resourceServer } : settings;
}
