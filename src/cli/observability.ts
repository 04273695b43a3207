import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config.js';
import type { AuditLog } from '../core/audit.js';
import { openAuditLog } from '../server/audit-log.js';
import { boundPort, closeHttp } from '../server/http-listener.js';
import { listenMetrics } from '../server/metrics-listener.js';
import { ServerMetrics } from '../server/metrics.js';

/**
 * What `tessera serve` adds around the server for operators: the metrics listener
 * (--metrics-port) and the audit log (--audit-log). With --workers N the primary serves the
 * metrics of all workers on the one port (prom-client's AggregatorRegistry asks each worker over
 * the cluster channel); with one process, that process serves its own.
 */
export interface ServeObservability {
  readonly metrics: ServerMetrics | undefined;
  readonly audit: AuditLog | undefined;
  /** Starts the metrics listener when this process serves it; returns the bound port. */
  listen(): Promise<number | undefined>;
  close(): Promise<void>;
}

function metricsAddress(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
}

/** In a worker or a single process. */
export function serveObservability(config: Config): ServeObservability {
  const metrics = config.metrics ? new ServerMetrics() : undefined;
  // A worker answers the primary's AggregatorRegistry with this registry.
  if (metrics && !cluster.isPrimary) {
    // Constructing one adds the worker's listener for the primary's requests (prom-client).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const audit = config.auditLog === undefined ? undefined : openAuditLog(config.auditLog);
  let server: Server | undefined;
  return {
    metrics,
    audit: audit?.log,
    async listen() {
      if (!metrics || !config.metrics || !cluster.isPrimary) return undefined;
      server = await listenMetrics(metrics.registry, config.metrics.port, config.metrics.host);
      return boundPort(server);
    },
    async close() {
      if (server) await closeHttp(server);
      await audit?.close();
    },
  };
}

/** In the primary of --workers N: the metrics of every worker, summed, on the one metrics port. */
export async function listenClusterMetrics(config: Config): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (!config.metrics) return undefined;
  const aggregator = new AggregatorRegistry();
  const server = await listenMetrics({ contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() }, config.metrics.port, config.metrics.host);
  return { url: metricsAddress(config.metrics.host, boundPort(server)), close: () => closeHttp(server) };
}

export { metricsAddress };
