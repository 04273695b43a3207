import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from './settings.js';

/** Fastify's logger options (its own and pino's, which comes with Fastify): no import of pino itself. */
export type LoggerOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;

/**
 * JSON logs with the request id (Fastify's reqId). Secrets never reach a log line: credentials
 * in headers are redacted, and request logs carry the path without its query string.
 */
export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'res.headers.location',
        // Authorization codes by their parameter's place, never '*.code': that hid err.code (ECONNREFUSED).
        '*.password', '*.client_secret', 'req.query.code', 'req.body.code', 'body.code', 'query.code', 'params.code',
        '*.access_token', '*.refresh_token', '*.token',
      ],
      censor: '[redacted]',
    },
  };
}
