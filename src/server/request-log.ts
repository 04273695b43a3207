import type { FastifyInstance, FastifyRequest } from 'fastify';

const CLIENT_ID = /^[\x20-\x7E]{1,128}$/;

/**
 * The client_id a request names (Basic credentials, form body or query), for the request log
 * only: as presented, authenticated or not; never the secret next to it.
 */
function claimedClientId(request: FastifyRequest): string | undefined {
  let candidate: string | null | undefined;
  const authorization = request.headers.authorization;
  if (authorization !== undefined && /^Basic +/i.test(authorization)) {
    const decoded = Buffer.from(authorization.replace(/^Basic +/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        candidate = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      } catch {
        candidate = undefined;
      }
    }
  }
  if (candidate === undefined && request.body instanceof URLSearchParams) candidate = request.body.get('client_id');
  if ((candidate === undefined || candidate === null) && request.query !== null && typeof request.query === 'object') {
    const value = (request.query as Record<string, unknown>).client_id;
    if (typeof value === 'string') candidate = value;
  }
  return typeof candidate === 'string' && CLIENT_ID.test(candidate) ? candidate : undefined;
}

/**
 * Every response carries its request id (X-Request-Id), and, with `logRequests`, one line per
 * request at info: method, route pattern, path without its query string, status, duration and
 * client_id when the request names one. Server errors are logged at error level either way.
 */
export function registerRequestLog(app: FastifyInstance, options: { logRequests: boolean }): void {
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    if (status < 500 && !options.logRequests) return;
    const line = {
      method: request.method, route: request.routeOptions.url ?? 'unmatched', path: request.url.split('?')[0],
      status, ms: Math.round(reply.elapsedTime), client_id: claimedClientId(request),
    };
    if (status >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request');
  });
}
