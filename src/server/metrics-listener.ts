import type { Server } from 'node:http';
import { listenHttp } from './http-listener.js';

/** What the listener serves: prom-client's Registry, or an AggregatorRegistry in a cluster's primary. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * The Prometheus endpoint on a listener of its own (`--metrics-port`, `--metrics-host`, default
 * 127.0.0.1), so metrics are never public by accident on the main port. GET /metrics only.
 */
export async function listenMetrics(source: MetricsSource, port: number, host: string): Promise<Server> {
  const server = await listenHttp(port, host);
  server.on('request', (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found; the metrics are at /metrics.\n');
      return;
    }
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Collecting the metrics failed.\n'),
    );
  });
  return server;
}
