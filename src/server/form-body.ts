import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest } from '../core/errors.js';

/** Parses application/x-www-form-urlencoded bodies into URLSearchParams, keeping repeated names visible. */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
}

/** RFC 6749 §3.2 / RFC 7662 §2.1 / RFC 7009 §2.1: these endpoints take form-encoded POST bodies only. */
export function formBody(request: FastifyRequest): URLSearchParams {
  if (request.body instanceof URLSearchParams) return request.body;
  throw new InvalidRequest('The request body must be application/x-www-form-urlencoded.');
}
