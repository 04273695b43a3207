import { createServer, type Server } from 'node:http';
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
