import type { FastifyInstance } from 'fastify';

/**
 * CORS for exactly one origin: the playground, whose implicit-grant page calls this API from the
 * browser as a single-page app would. Any other origin gets no CORS headers, so browsers keep its
 * scripts from reading the answers. Bearer tokens travel in a header, never in cookies, so
 * credentials mode stays off.
 */
export function allowBrowserCallsFrom(app: FastifyInstance, origin: string, paths: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    // Responses differ by Origin: a shared cache must not serve one origin's answer to another.
    void reply.header('vary', 'Origin');
    if (request.headers.origin !== origin) return;
    void reply
      .header('access-control-allow-origin', origin)
      // Without this the SPA could not read the RFC 6750 challenge of a 401 or 403 (nor show the
      // playground's visitor the CORS answer itself).
      .header('access-control-expose-headers', 'WWW-Authenticate, Access-Control-Allow-Origin');
  });
  for (const path of paths) {
    app.options(path, async (request, reply) => {
      if (request.headers.origin === origin) {
        void reply
          .header('access-control-allow-methods', 'GET, POST')
          .header('access-control-allow-headers', 'Authorization, Content-Type')
          .header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });
  }
}
