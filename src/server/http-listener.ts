import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';

/**
 * A node:http server listening on host:port; port 0 lets the kernel choose a free one, which
 * boundPort then tells (never probe a port and close it: another process may take it between).
 */
export function listenHttp(port: number, host: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  return address.port;
}

/**
 * Fastify's serverFactory for a server already listening whose requests must wait for
 * app.ready(): until `open()` is called they get 503 with Retry-After (a client that connects
 * while the server starts, as a load balancer's probe does, must not reach a half-built router).
 */
export function serveWhenReady(server: Server): { factory: FastifyServerFactory; open(): void } {
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  let open = false;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (open && handler) handler(request, response);
    else response.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end('{"error":"temporarily_unavailable","error_description":"The server is starting; retry after the Retry-After delay."}');
  });
  return {
    factory: (fastifyHandler) => {
      handler = fastifyHandler as (request: IncomingMessage, response: ServerResponse) => void;
      return server;
    },
    open: () => { open = true; },
  };
}

/** Fastify's serverFactory for a server made, and already listening, elsewhere: then app.ready(), not app.listen(). */
export function serveOn(server: Server): FastifyServerFactory {
  return (handler) => server.on('request', handler);
}

/** Stops accepting, drops kept-alive connections and resolves once the server is closed. */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
