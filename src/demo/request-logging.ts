import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../server/settings.js';
import { loggerOptions } from '../server/logger.js';

/**
 * Logger options of the demo's two servers, as the authorization server does it: JSON with
 * secrets redacted, and no built-in request lines, whose URLs would carry codes and tokens.
 */
export function demoLoggerOptions(level: LogLevel | false): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  return {
    logger: level === false ? false : loggerOptions(level),
    logController: new LogController({ disableRequestLogging: true }),
  };
}

/** One line per request with the path only (never the query), errors at error level. */
export function logRequestsWithoutQuery(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.debug(line, 'request');
  });
}
