import Fastify, { type FastifyInstance, type FastifyServerFactory, type FastifyRequest } from 'fastify';
import type { LogLevel } from '../../server/settings.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { cryptoRandom, type RandomSource } from '../../core/random.js';
import { createBearerVerifier, fastifyBearerAuth, type AccessTokenClaims } from '@tessera/resource';
import { demoLoggerOptions, logRequestsWithoutQuery } from '../request-logging.js';
import { allowBrowserCallsFrom } from './cors.js';
import { resourceOwner } from './resource-owner.js';
import type { DemoResource, DemoResourceStore } from './resource-store.js';

export interface ResourceServerOptions {
  /** The authorization server whose tokens this API accepts. */
  issuer: string;
  /** This API's identifier (its URL): tokens must name it in `aud`, asked for with RFC 8707 `resource`. */
  audience: string;
  /** The playground's origin, the only one allowed to call this API from a browser (CORS). */
  allowedOrigin: string;
  resources: DemoResourceStore;
  clock?: Clock;
  random?: RandomSource;
  /** false silences logs (tests); otherwise JSON logs at this level. */
  logLevel: LogLevel | false;
  /** Fastify's serverFactory: serve on a node:http server the caller made and listens on (then app.ready()). */
  serverFactory?: FastifyServerFactory;
}

/** Titles are short text; the limit keeps one caller from filling the database. */
const MAX_TITLE_LENGTH = 120;
const API_PATH = '/api/resources';

function resourceJson(resource: DemoResource): Record<string, unknown> {
  return { id: resource.id, title: resource.title, created_by: resource.createdBy, created_at: resource.createdAt };
}

/** The claims requireToken set; a protected route without them is a wiring bug, not a client error. */
function claimsOf(request: FastifyRequest): AccessTokenClaims {
  if (request.accessToken === null) throw new Error(`${request.method} ${request.url} ran without requireToken`);
  return request.accessToken;
}

/** The title of a POST body, or a message saying what is wrong with it. */
function titleFrom(body: unknown): { title: string } | { problem: string } {
  const title = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).title : undefined;
  if (typeof title !== 'string') return { problem: 'Send a JSON body {"title": "..."}.' };
  const trimmed = title.trim();
  if (trimmed === '' || trimmed.length > MAX_TITLE_LENGTH) return { problem: `title must be 1 to ${MAX_TITLE_LENGTH} characters.` };
  return { title: trimmed };
}

/**
 * The tutorial's Resource Server: an API of "resources" that belong to a user or to a client,
 * protected with tessera/resource. GET needs scope `read`, POST needs `write`; every refusal is
 * the RFC 6750 §3 answer the toolkit produces.
 */
export async function buildResourceServer(options: ResourceServerOptions): Promise<FastifyInstance> {
  const random = options.random ?? cryptoRandom;
  const clock = options.clock ?? systemClock;
  const app = Fastify({ ...demoLoggerOptions(options.logLevel), bodyLimit: 4096, ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}) });
  logRequestsWithoutQuery(app);
  const verifier = createBearerVerifier({
    issuer: options.issuer,
    audience: options.audience,
    // The three demo servers share one machine and one clock: no leeway is needed, and the
    // refresh story sees the token expire exactly at its `exp`.
    clockToleranceSeconds: 0,
    clock,
  });
  await app.register(fastifyBearerAuth, { verifier });
  allowBrowserCallsFrom(app, options.allowedOrigin, [API_PATH]);
  app.addHook('onSend', async (_request, reply) => {
    // Answers depend on the caller's token: never cache them.
    void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
  });
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error');
    void reply.code(status).send(status === 500
      ? { error: 'server_error', error_description: 'The server met an unexpected condition.' }
      : { error: 'invalid_request', error_description: 'The request is malformed; send a JSON body {"title": "..."}.' });
  });
  app.setNotFoundHandler((_request, reply) => {
    // Fixed text: the path is the caller's input and is never echoed.
    void reply.code(404).send({ error: 'not_found', error_description: 'No such endpoint; see GET / for the routes.' });
  });

  app.get('/', async () => ({
    name: 'Tessera demo Resource Server',
    authorization_server: options.issuer,
    resource: options.audience,
    endpoints: {
      [`GET ${API_PATH}`]: 'the resources of the token\'s owner (a user, or the client itself); scope read',
      [`POST ${API_PATH}`]: 'add a resource {"title": "..."}; scope write',
    },
  }));

  app.get(API_PATH, { preHandler: app.requireToken(['read']) }, async (request) => {
    const claims = claimsOf(request);
    const owner = resourceOwner(claims);
    const resources = await options.resources.list(owner.kind, owner.id);
    return {
      owner: { type: owner.kind, id: owner.id },
      client_id: claims.clientId,
      scope: claims.scopes.join(' '),
      resources: resources.map(resourceJson),
    };
  });

  app.post(API_PATH, { preHandler: app.requireToken(['write']) }, async (request, reply) => {
    const claims = claimsOf(request);
    const input = titleFrom(request.body);
    if ('problem' in input) return reply.code(400).send({ error: 'invalid_request', error_description: input.problem });
    const owner = resourceOwner(claims);
    const resource: DemoResource = {
      id: random.token(9), ownerKind: owner.kind, ownerId: owner.id, title: input.title, createdBy: claims.clientId,
      createdAt: clock.nowSeconds(),
    };
    await options.resources.add(resource);
    return reply.code(201).send(resourceJson(resource));
  });
  return app;
}
