import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { cryptoRandom, type RandomSource } from '../core/random.js';
import { TokenIssuer } from '../grants/token-issuer.js';
import type { GrantContext } from '../grants/types.js';
import { KeyRing } from '../keys/key-ring.js';
import type { Store } from '../store/types.js';
import { registerErrorHandler } from './error-handler.js';
import { registerFormParser } from './form-body.js';
import { loggerOptions } from './logger.js';
import { introspectRevokeRoutes } from './routes/introspect-revoke.js';
import { metadataRoutes } from './routes/metadata.js';
import { authorizeRoutes } from './routes/authorize.js';
import { sessionRoutes } from './routes/login.js';
import { tokenRoute } from './routes/token.js';
import { Sessions } from './session.js';

export interface ServerOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  random?: RandomSource;
  /** false silences logs (tests); default: JSON logs at config.logLevel on stdout. */
  logger?: boolean;
}

/** Request bodies of an OAuth server are small; anything larger is refused with 413. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** The whole authorization server, with no globals: start as many as a test needs. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const keys = await KeyRing.load(store.keys, clock.nowSeconds());

  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel),
    bodyLimit: BODY_LIMIT_BYTES,
    // Without it, behind a proxy every client would share the proxy's address (and its throttle).
    ...(config.trustProxy.length > 0 ? { trustProxy: config.trustProxy } : {}),
    // Our own onResponse hook logs requests: path without query string, errors at error level.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  await app.register(fastifyCookie);
  registerFormParser(app);
  registerErrorHandler(app);
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.debug(line, 'request');
  });

  const ctx: GrantContext = {
    config, store, clock, random,
    tokens: new TokenIssuer(config, keys, store.tokens, clock, random),
  };
  metadataRoutes(app, config, keys.jwks);
  tokenRoute(app, ctx);
  introspectRevokeRoutes(app, ctx);
  const sessions = new Sessions(store.sessions, config, clock, random);
  authorizeRoutes(app, ctx, sessions);
  sessionRoutes(app, ctx, sessions);
  return app;
}
