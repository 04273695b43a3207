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

/** A form of our own pages holding characters no person types: refused with an error page. */
export class InvalidFormError extends Error {
  constructor() {
    super('The form holds characters that are not allowed. Go back and try again.');
    this.name = 'InvalidFormError';
  }
}

// Control characters (tab, CR and LF included): no field of a sign-in or consent form has them,
// and a NUL would otherwise reach the database, which refuses it.
const CONTROL = /[\u0000-\u001F\u007F]/;

/** The body of a form posted by one of the server's pages (sign-in, consent, sign-out). */
export function pageFormBody(request: FastifyRequest): URLSearchParams {
  const form = formBody(request);
  for (const [name, value] of form) {
    if (CONTROL.test(name) || CONTROL.test(value)) throw new InvalidFormError();
  }
  return form;
}
