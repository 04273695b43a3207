import cluster from 'node:cluster';
import { applySeed, readSeedFile } from '../admin/seed.js';
import type { Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import { SecretHashing } from '../core/secret-hash.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { KeyRing } from '../keys/key-ring.js';
import { buildServer } from '../server/app.js';
import { startExpiryPurge } from '../server/expiry-purge.js';
import { openStore } from '../store/open-store.js';
import { loadServerSecrets } from '../admin/server-secret-file.js';

/**
 * Prepares the database once (migrations, seed, first signing key), then serves: in this process
 * for one worker, or in N node:cluster workers sharing the port, the database and the keys.
 */
export async function serve(config: Config): Promise<void> {
  // The primary creates the secret file of an embedded database before any worker reads it.
  const secrets = loadServerSecrets(config.secret);
  if (cluster.isPrimary) {
    const store = await openStore(config.db);
    try {
      if (config.seedFile) await applySeed(store, await readSeedFile(config.seedFile, systemClock.nowSeconds(), new SecretHashing(secrets)), systemClock.nowSeconds());
      await KeyRing.load(store.keys, systemClock.nowSeconds(), secrets);
    } finally {
      if (config.workers > 1) await store.close();
    }
    if (config.workers > 1) {
      for (let i = 0; i < config.workers; i++) cluster.fork();
      cluster.on('exit', (worker, code, signal) => {
        if (code !== 0 && signal === null) process.stderr.write(`tessera: worker ${worker.process.pid} exited with code ${code}\n`);
      });
      const stop = () => { for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM'); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    await listen(config, store, secrets);
    return;
  }
  await listen(config, await openStore(config.db), secrets);
}

async function listen(config: Config, store: Awaited<ReturnType<typeof openStore>>, secrets: ServerSecrets): Promise<void> {
  const app = await buildServer({ settings: config.settings, store, secrets });
  const purge = startExpiryPurge(store, { clock: systemClock, onError: (error) => app.log.warn({ err: error }, 'purging expired rows failed') });
  const shutdown = async () => {
    purge.stop();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await app.listen({ port: config.port, host: config.host });
  if (cluster.isPrimary || cluster.worker?.id === 1) {
    app.log.info({ issuer: config.settings.issuer, workers: config.workers, db: config.db.kind }, `Tessera is serving ${config.settings.issuer}`);
  }
}
