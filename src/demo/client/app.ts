import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import type { LogLevel } from '../../server/settings.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { cryptoRandom, type RandomSource } from '../../core/random.js';
import { registerFormParser } from '../../server/form-body.js';
import { html } from '../../html/html.js';
import type { DemoUrls } from '../demo-urls.js';
import { demoLoggerOptions, logRequestsWithoutQuery } from '../request-logging.js';
import { browserBundles } from './browser-assets.js';
import { authorizationCodeRoutes } from './flows/authorization-code-flow.js';
import { clientCredentialsRoutes } from './flows/client-credentials-flow.js';
import { implicitRoutes } from './flows/implicit-flow.js';
import { passwordRoutes } from './flows/password-flow.js';
import { openIdConnectRoutes } from './flows/openid-connect-flow.js';
import { refreshTokenRoutes } from './flows/refresh-token-flow.js';
import { breakItRoutes } from './experiments/break-it-routes.js';
import { registrationRoutes } from './flows/registration-page.js';
import { tokenToolsRoutes } from './flows/token-tools.js';
import { AuthorizationServerMetadata } from './oauth/authorization-server.js';
import { setPlaygroundPageHeaders } from './page-headers.js';
import type { PlaygroundContext } from './playground-context.js';
import { PlaygroundCsrfError, PlaygroundFullError, PlaygroundSessions } from './playground-sessions.js';
import { homePage } from './views/home-page.js';
import { layout } from './views/layout.js';
import { PLAYGROUND_STYLESHEET } from './views/stylesheet.js';

export interface PlaygroundOptions {
  urls: DemoUrls;
  /** The Auth Server's access token lifetime, shown on the pages. */
  accessTokenTtl: number;
  /** The Refresh Token page's own, shorter lifetime (refresh-page-ttl.ts). */
  refreshPageAccessTokenTtl: number;
  clock?: Clock;
  random?: RandomSource;
  /** false silences logs (tests); otherwise JSON logs at this level. */
  logLevel: LogLevel | false;
  /** Fastify's serverFactory: serve on a node:http server the caller made and listens on (then app.ready()). */
  serverFactory?: FastifyServerFactory;
}

/**
 * The Client: a flow playground with one page per grant. It is a real OAuth client (oauth4webapi
 * on its server; a browser-only app on the implicit page) that records and shows its own traffic.
 */
export async function buildPlaygroundClient(options: PlaygroundOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({ ...demoLoggerOptions(options.logLevel), bodyLimit: 16 * 1024, ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}) });
  logRequestsWithoutQuery(app);
  await app.register(fastifyCookie);
  registerFormParser(app);
  const ctx: PlaygroundContext = {
    urls: options.urls,
    clock,
    sessions: new PlaygroundSessions(clock, options.random ?? cryptoRandom, new URL(options.urls.client).origin),
    authorizationServer: new AuthorizationServerMetadata(options.urls.authorizationServer),
    openIdProvider: new AuthorizationServerMetadata(options.urls.authorizationServer, 'oidc'),
    allowHttp: new URL(options.urls.authorizationServer).protocol === 'http:',
    accessTokenTtl: options.accessTokenTtl,
    refreshPageAccessTokenTtl: options.refreshPageAccessTokenTtl,
  };

  // The browser code is bundled by esbuild (browser-assets.ts); a module script each (CSP script-src 'self').
  const bundles = await browserBundles();
  const assets: Record<string, { type: string; body: string }> = {
    '/assets/playground.css': { type: 'text/css; charset=utf-8', body: PLAYGROUND_STYLESHEET },
    '/assets/playground.js': { type: 'text/javascript; charset=utf-8', body: bundles['playground-page'] },
    '/assets/implicit-spa.js': { type: 'text/javascript; charset=utf-8', body: bundles['implicit-spa'] },
  };
  for (const [path, asset] of Object.entries(assets)) {
    app.get(path, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(asset.body));
  }

  app.get('/', async (_request, reply) => {
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(homePage(ctx.urls, ctx.accessTokenTtl));
  });
  authorizationCodeRoutes(app, ctx);
  implicitRoutes(app, ctx);
  passwordRoutes(app, ctx);
  clientCredentialsRoutes(app, ctx);
  refreshTokenRoutes(app, ctx);
  openIdConnectRoutes(app, ctx);
  breakItRoutes(app, ctx);
  registrationRoutes(app, ctx);
  tokenToolsRoutes(app, ctx);

  const problemPage = (title: string, message: string) => layout({
    title, active: 'home', urls: ctx.urls,
    body: html`<main class="home"><section class="panel"><h1>${title}</h1><p class="alert" role="alert">${message}</p><p><a href="/">Back to the playground</a></p></section></main>`,
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    setPlaygroundPageHeaders(reply, ctx.urls);
    if (error instanceof PlaygroundCsrfError) return reply.code(403).send(problemPage('Request refused', error.message));
    if (error instanceof PlaygroundFullError) return reply.code(503).header('retry-after', '300').send(problemPage('The playground is full', error.message));
    if (typeof error.statusCode === 'number' && error.statusCode < 500) return reply.code(error.statusCode).send(problemPage('Bad request', 'The request could not be read.'));
    request.log.error({ err: error }, 'playground error');
    return reply.code(500).send(problemPage('Something went wrong', `The playground stopped: ${error.message}. Is the Auth Server running at ${ctx.urls.authorizationServer}?`));
  });
  app.setNotFoundHandler((_request, reply) => {
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.code(404).send(problemPage('Not found', 'There is no such page in the playground.'));
  });
  return app;
}
