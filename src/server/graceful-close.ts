import type { Server } from 'node:http';

/**
 * Graceful close of a node:http server: stop accepting at once, let requests in flight finish,
 * close keep-alive connections as soon as they are idle, and after `timeoutMs` close whatever
 * is left (a client that sent half a request and stalled, a slow download). Resolves with
 * whether it had to force connections closed.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve({ forced: false });
      return;
    }
    let forced = false;
    // Idle keep-alive connections close now; those busy with a request close once it is answered
    // (node answers it with Connection: close once the server is closing), checked every 100 ms.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}
