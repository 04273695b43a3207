import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { loadConfig, type Config, type ConfigFlags } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { clientFromMetadata, type ClientMetadata } from '../../src/core/client-metadata.js';
import { resourceServerFromMetadata, type ResourceServerMetadata } from '../../src/core/resource-metadata.js';
import { upsertUser } from '../../src/admin/seed.js';
import { boundPort, closeHttp, listenHttp, serveOn } from '../../src/server/http-listener.js';
import { buildServer, type ServerOptions } from '../../src/server/app.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

/**
 * A node:http server on 127.0.0.1 and a port the kernel chose (listen on 0), with its origin.
 * Never probe a port and close it: another test may take it before it is listened on again.
 */
export async function listenOnFreePort(): Promise<{ server: Server; port: number; origin: string }> {
  const server = await listenHttp(0, '127.0.0.1');
  const port = boundPort(server);
  return { server, port, origin: `http://127.0.0.1:${port}` };
}

export { closeHttp, serveOn };

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  config: Config;
  clock: ManualClock;
  issuer: string;
  /** The server secrets it runs with: another server on the same store needs the same ones. */
  secrets: ServerSecrets;
  /** Their keyed hashes: a client added to `store` needs its secret hashed with them. */
  hashing: SecretHashing;
  close(): Promise<void>;
}

/** A real Tessera on 127.0.0.1 with an in-memory SQLite store and a clock the test can move. */
export async function startServer(options: { clients?: ClientMetadata[]; users?: { username: string; password: string; claims?: Record<string, unknown> }[]; resources?: ResourceServerMetadata[]; flags?: ConfigFlags; store?: Store; secrets?: ServerSecrets; server?: Pick<ServerOptions, 'metrics' | 'audit' | 'logStream' | 'keyReloadMs' | 'backChannelLogout'> } = {}): Promise<RunningServer> {
  // Listening first, so that the issuer can carry the port; Fastify then serves on that server.
  const { server, port } = await listenOnFreePort();
  const config = loadConfig({ port: String(port), db: 'sqlite::memory:', logLevel: 'silent', ...options.flags }, {});
  const store = options.store ?? new SqliteStore(':memory:');
  const clock = new ManualClock();
  const secrets = options.secrets ?? ServerSecrets.ephemeral();
  const hashing = new SecretHashing(secrets);
  for (const client of options.clients ?? []) await store.clients.upsert(clientFromMetadata(client, clock.nowSeconds(), hashing));
  for (const user of options.users ?? []) await upsertUser(store, user.username, user.password, clock.nowSeconds(), user.claims);
  for (const resource of options.resources ?? []) await store.resources.upsert(resourceServerFromMetadata(resource, clock.nowSeconds()));
  let app: FastifyInstance;
  try {
    app = await buildServer({ settings: config.settings, store, clock, secrets, logger: false, serverFactory: serveOn(server), ...options.server });
    await app.ready();
  } catch (error) {
    await closeHttp(server);
    throw error;
  }
  return {
    app, store, config, clock, secrets, hashing, issuer: config.settings.issuer,
    async close() {
      await app.close();
      await closeHttp(server);
      await store.close();
    },
  };
}
