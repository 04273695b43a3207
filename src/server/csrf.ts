import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { BrowserSession } from './session.js';

/** A form POST that cannot be trusted to come from our own page. */
export class CsrfError extends Error {
  constructor() {
    super('The form has expired or did not come from this site. Go back and try again.');
    this.name = 'CsrfError';
  }
}

/**
 * Every form POST carries the session's CSRF token (synchronizer token), compared in constant
 * time; a cross-origin Origin header is refused as well.
 */
export function checkCsrf(request: FastifyRequest, session: Pick<BrowserSession, 'csrfToken'> | undefined, submitted: string | undefined, issuer: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== new URL(issuer).origin) throw new CsrfError();
  if (!session || submitted === undefined) throw new CsrfError();
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(submitted);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new CsrfError();
}
