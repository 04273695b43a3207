import cluster from 'node:cluster';
import { applySeed, readSeedFile } from '../admin/seed.js';
import type { Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import { SecretHashing } from '../core/secret-hash.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { KeyRing } from '../keys/key-ring.js';
import { buildServer } from '../server/app.js';
import { openAuditLog } from '../server/audit-log.js';
import { servePurgeOptions, startExpiryPurge } from '../server/expiry-purge.js';
import { closeGracefully } from '../server/graceful-close.js';
import { boundPort, listenHttp, serveWhenReady } from '../server/http-listener.js';
import { settingsOnBoundPort } from '../server/settings.js';
import { openStore } from '../store/open-store.js';
import { loadServerSecrets } from '../admin/server-secret-file.js';
import { listenClusterMetrics, metricsAddress, serveObservability } from './observability.js';
import { superviseWorkers } from './supervisor.js';
import { describeDatabase, sqliteFileIsNew } from './database-description.js';

/**
 * Prepares the database once (migrations, seed, first signing key), then serves: in this process
 * for one worker, or in N node:cluster workers sharing the port, the database and the keys,
 * supervised by this process (supervisor.ts: replaced when they die, exit non-zero when they cannot run).
 */
export async function serve(config: Config): Promise<void> {
  // The primary creates the secret file of an embedded database before any worker reads it.
  const secrets = loadServerSecrets(config.secret);
  if (cluster.isPrimary) {
    // Before opening: opening creates the file. A new empty database without a seed is most often
    // a mistyped sqlite: path, served silently with no clients nor users: say so.
    const createdEmpty = sqliteFileIsNew(config.db) && config.seedFile === undefined;
    const store = await openStore(config.db, { timeoutMs: config.dbTimeout * 1000 });
    try {
      if (config.seedFile) await applySeed(store, await readSeedFile(config.seedFile, systemClock.nowSeconds(), new SecretHashing(secrets)), systemClock.nowSeconds());
      // A resource row the code cannot have written (rows.ts CorruptStoreRow) stops the start here, in one line.
      await store.resources.list();
      // A key of every algorithm, before the workers start (each would do it too, atomically).
      const ring = await KeyRing.load(store.keys, systemClock.nowSeconds(), secrets, { defaultAlg: config.settings.signingAlg });
      // The workers' own load finds these keys: the key.created events are this process's to record.
      if (ring.created.length > 0 && config.auditLog !== undefined) {
        const audit = openAuditLog(config.auditLog);
        for (const key of ring.created) audit.log.record({ event: 'key.created', kid: key.kid, alg: key.alg, reason: 'algorithm_without_key' });
        await audit.close();
      }
    } finally {
      if (config.workers > 1) await store.close();
    }
    if (config.workers > 1) {
      // The workers cannot tell a file this process created: the primary logs the database.
      logFromPrimary(30, { db: describeDatabase(config.db) }, 'database opened');
      if (createdEmpty) logFromPrimary(40, { db: describeDatabase(config.db) }, NEW_EMPTY_DATABASE);
      superviseWorkers(config.workers, { shutdownTimeoutMs: config.shutdownTimeout * 1000, logLevel: config.settings.logLevel });
      // --metrics-port: the primary serves the metrics of all workers (prom-client AggregatorRegistry).
      const clusterMetrics = await listenClusterMetrics(config);
      if (clusterMetrics) logFromPrimary(30, {}, `Metrics at ${clusterMetrics.url}`);
      return;
    }
    await listen(config, store, secrets, createdEmpty);
    return;
  }
  await listen(config, await openStore(config.db, { timeoutMs: config.dbTimeout * 1000 }), secrets, false);
}

const NEW_EMPTY_DATABASE = 'this SQLite database was just created, empty, and no --seed was given: no client nor user can sign in yet'
  + ' (check the --db path if you meant an existing database; else add them with tessera client create / user create or --seed)';

/** A pino-shaped line from the cluster primary, which has no Fastify logger. */
function logFromPrimary(level: 30 | 40, fields: Record<string, unknown>, msg: string): void {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...fields, msg })}\n`);
}

async function listen(config: Config, store: Awaited<ReturnType<typeof openStore>>, secrets: ServerSecrets, createdEmpty: boolean): Promise<void> {
  // Bound first, so that with --port 0 the issuer carries the port the kernel chose (RFC 8414
  // §3.3: the metadata's issuer must be the one its URL was built from). Workers of one cluster
  // listening on 0 share one port.
  const http = await listenHttp(config.port, config.host);
  const settings = settingsOnBoundPort(config.settings, boundPort(http));
  const observability = serveObservability(config);
  const gate = serveWhenReady(http);
  const app = await buildServer({ settings, store, secrets, serverFactory: gate.factory, metrics: observability.metrics, audit: observability.audit,
    registryRefreshMs: config.clientCacheRefreshMs });
  const metricsPort = await observability.listen();
  if (metricsPort !== undefined && config.metrics) app.log.info(`Metrics at ${metricsAddress(config.metrics.host, metricsPort)}`);
  const purge = startExpiryPurge(store, { ...servePurgeOptions(settings, systemClock, (error) => app.log.warn({ err: error }, 'purging expired rows failed')), registrationIdleDays: settings.dynamicRegistration.idleDays });
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: no more waiting for connections.
      http.closeAllConnections();
      return;
    }
    stopping = true;
    app.log.info({ signal, shutdownTimeoutSeconds: config.shutdownTimeout }, 'shutting down: no new connections; requests in flight finish');
    purge.stop();
    // Stops accepting at once; in-flight requests are answered; idle keep-alive connections close;
    // past --shutdown-timeout the rest are cut. Served through serverFactory without app.listen(),
    // so Fastify leaves the server to us.
    const { forced } = await closeGracefully(http, config.shutdownTimeout * 1000);
    if (forced) app.log.warn('connections still open at the shutdown timeout were closed');
    await app.close();
    await observability.close();
    await store.close();
    app.log.info('shut down');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.ready();
  gate.open();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.log.info(`Server listening at http://${host}:${boundPort(http)}`);
  if (cluster.isPrimary || cluster.worker?.id === 1) {
    app.log.info({ issuer: settings.issuer, workers: config.workers, db: config.db.kind }, `Tessera is serving ${settings.issuer}`);
  }
  if (cluster.isPrimary) {
    // A mistyped sqlite: path opens a new empty database: the absolute path shows which file it is.
    app.log.info({ db: describeDatabase(config.db) }, 'database opened');
    if (createdEmpty) app.log.warn({ db: describeDatabase(config.db) }, NEW_EMPTY_DATABASE);
  }
}
