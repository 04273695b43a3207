import type { FastifyError, FastifyInstance } from 'fastify';
import { OAuthError, ServerError } from '../core/errors.js';
import { CorruptStoreRow } from '../store/rows.js';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store/unavailable.js';
import { CsrfError } from './csrf.js';
import { InvalidFormError } from './form-body.js';
import { setPageHeaders } from './security-headers.js';
import { errorPage } from './views/pages.js';

/**
 * The single place where errors become HTTP: OAuthError values keep their RFC shape and status;
 * Fastify's own 4xx (body too large, bad media type, malformed JSON) become invalid_request;
 * anything else is a bug, logged with the request id and answered as server_error, never a stack.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | OAuthError, request, reply) => {
    if (error instanceof OAuthError) {
      void reply.code(error.status).headers(error.headers).header('cache-control', 'no-store').send(error.toJSON());
      return;
    }
    if (error instanceof CsrfError) {
      setPageHeaders(reply);
      void reply.code(403).send(errorPage('Request refused', error.message));
      return;
    }
    if (error instanceof InvalidFormError) {
      setPageHeaders(reply);
      void reply.code(400).send(errorPage('Request refused', error.message));
      return;
    }
    if (error instanceof CorruptStoreRow) {
      // A row edited by hand (rows.ts): the operator fixes it; until then, a server-side condition
      // to retry, not a bug to answer 500 at every token.
      request.log.error({ err: error }, 'corrupt row in the database');
      void reply.code(503).header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS)).header('cache-control', 'no-store')
        .send({ error: 'temporarily_unavailable', error_description: 'The server cannot use its stored configuration; retry later.' });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      // The database is down, frozen or locked: an outage to wait out (RFC 9110 §15.6.4), not a bug.
      request.log.warn({ err: error }, 'database unavailable');
      void reply.code(503).header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
      if (wantsPage(request.headers.accept)) {
        setPageHeaders(reply);
        void reply.send(errorPage('Temporarily unavailable', 'The server cannot reach its database. Try again in a few seconds.'));
      } else {
        void reply.send({ error: 'temporarily_unavailable', error_description: 'The database is unavailable; retry after the Retry-After delay.' });
      }
      return;
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const description = status === 413 ? 'The request body is too large.'
        : status === 415 ? 'Unsupported content type; send application/x-www-form-urlencoded.'
          : 'The request is malformed.';
      void reply.code(status === 415 ? 400 : status).header('cache-control', 'no-store')
        .send({ error: 'invalid_request', error_description: description });
      return;
    }
    request.log.error({ err: error }, 'unhandled error');
    const serverError = new ServerError();
    void reply.code(serverError.status).header('cache-control', 'no-store').send(serverError.toJSON());
  });
  app.setNotFoundHandler((_request, reply) => {
    // Fixed text: the path is the caller's input and is never echoed.
    void reply.code(404).send({ error: 'not_found', error_description: 'No such endpoint on this server.' });
  });
}

/** A browser navigating or posting a form (Accept: text/html) gets a page; API clients get JSON. */
function wantsPage(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}
