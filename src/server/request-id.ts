import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Short printable ASCII without spaces: safe in a log line and in the echoed response header.
const ACCEPTABLE = /^[\x21-\x7E]{1,64}$/;

/**
 * Fastify's genReqId: a random UUID (122 random bits), unique across workers, instances and
 * restarts, unlike Fastify's per-process counter. Behind a trusted proxy (--trust-proxy) the
 * proxy's X-Request-Id is kept when it is short printable ASCII, so one id follows the request
 * through the proxy's logs and ours.
 */
export function requestIdGenerator(trustHeader: boolean): (request: IncomingMessage) => string {
  return (request) => {
    if (trustHeader) {
      const given = request.headers['x-request-id'];
      if (typeof given === 'string' && ACCEPTABLE.test(given)) return given;
    }
    return randomUUID();
  };
}
