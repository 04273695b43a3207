import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { loadConfig, type Config, type ConfigFlags } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { clientFromMetadata, type ClientMetadata } from '../../src/core/client-metadata.js';
import { upsertUser } from '../../src/admin/seed.js';
import { buildServer } from '../../src/server/app.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  config: Config;
  clock: ManualClock;
  issuer: string;
  close(): Promise<void>;
}

/** A real Tessera on 127.0.0.1 with an in-memory SQLite store and a clock the test can move. */
export async function startServer(options: { clients?: ClientMetadata[]; users?: { username: string; password: string }[]; flags?: ConfigFlags; store?: Store } = {}): Promise<RunningServer> {
  const port = await freePort();
  const config = loadConfig({ port: String(port), db: 'sqlite::memory:', logLevel: 'silent', ...options.flags }, {});
  const store = options.store ?? new SqliteStore(':memory:');
  const clock = new ManualClock();
  for (const client of options.clients ?? []) await store.clients.upsert(clientFromMetadata(client, clock.nowSeconds()));
  for (const user of options.users ?? []) await upsertUser(store, user.username, user.password, clock.nowSeconds());
  const app = await buildServer({ config, store, clock, logger: false });
  await app.listen({ port: config.port, host: '127.0.0.1' });
  return {
    app, store, config, clock, issuer: config.issuer,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
