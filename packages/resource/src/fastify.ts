import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerError } from './bearer-error.js';
import type { AccessTokenClaims } from './claims.js';
import {
  METADATA_PREFLIGHT_HEADERS, metadataFrom, type ProtectedResourceMetadataSource,
} from './protected-resource-metadata.js';
import { requiredScopeList } from './required-scopes.js';
import { createBearerVerifier, type BearerVerifier, type BearerVerifierOptions } from './verify.js';

/** A preHandler that lets a request through only with a valid access token. */
export type RequireTokenHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler for a protected route: it verifies the request's bearer token, requires
     * every scope of `requiredScopes`, and sets `request.accessToken`; otherwise it answers the
     * RFC 6750 §3 error (status, `WWW-Authenticate`, JSON `{error, error_description}`).
     *
     * @throws TypeError when a scope is not one RFC 6749 §3.3 scope token.
     */
    requireToken(requiredScopes?: readonly string[]): RequireTokenHandler;
  }
  interface FastifyRequest {
    /** The verified access token's claims; null on routes without `requireToken`. */
    accessToken: AccessTokenClaims | null;
  }
}

/** Options of {@link fastifyBearerAuth}: a verifier to share, or the options to create one. */
export type FastifyBearerAuthOptions = { verifier: BearerVerifier } | BearerVerifierOptions;

/** Writes a {@link BearerError} as RFC 6750 §3 says: status, challenge, and a JSON body. */
function sendBearerError(reply: FastifyReply, error: BearerError): FastifyReply {
  return reply
    .code(error.status)
    .header('www-authenticate', error.wwwAuthenticate)
    // An error about credentials must not be replayed from a cache to another client.
    .header('cache-control', 'no-store')
    .send(error.toJSON());
}

async function bearerAuth(app: FastifyInstance, options: FastifyBearerAuthOptions): Promise<void> {
  const verifier = 'verifier' in options ? options.verifier : createBearerVerifier(options);
  // Fastify 5: a request decorator starts as null so every request object keeps one shape.
  app.decorateRequest('accessToken', null);
  app.decorate('requireToken', (requiredScopes: readonly string[] = []): RequireTokenHandler => {
    const scopes = requiredScopeList(requiredScopes);
    return async (request, reply) => {
      try {
        request.accessToken = await verifier.verify(request.headers.authorization, scopes);
        return undefined;
      } catch (error) {
        if (error instanceof BearerError) return sendBearerError(reply, error);
        throw error;
      }
    };
  });
}

/**
 * The Fastify plugin of the resource-server toolkit: decorates the instance with
 * `requireToken(scopes)` (a preHandler) and requests with `accessToken`. Marked as fastify-plugin
 * marks a plugin (skip-override) so the decorator is visible outside the plugin's own context.
 *
 * ```ts
 * await app.register(fastifyBearerAuth, { issuer: 'https://as.example', audience: 'https://api.example' });
 * app.get('/notes', { preHandler: app.requireToken(['notes:read']) }, (request) => request.accessToken?.subject);
 * ```
 *
 * Errors follow {@link https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3}.
 */
export const fastifyBearerAuth = markAsFastifyPlugin(bearerAuth, 'tessera-bearer-auth', '5.x');

async function protectedResourceMetadataRoutes(app: FastifyInstance, source: ProtectedResourceMetadataSource): Promise<void> {
  const metadata = metadataFrom(source);
  for (const url of metadata.paths) {
    // GET (and the HEAD Fastify adds to it) serves the document; OPTIONS answers a CORS preflight.
    app.get(url, (_request, reply) => reply.headers(metadata.headers).send(metadata.body));
    app.options(url, (_request, reply) => reply.code(204).headers(METADATA_PREFLIGHT_HEADERS).send());
  }
}

/**
 * Serves a resource's RFC 9728 protected-resource metadata at its well-known path(s) (for
 * `https://api.example/mcp`: `/.well-known/oauth-protected-resource/mcp` and
 * `/.well-known/oauth-protected-resource`). Pass the same `metadata.url` to
 * {@link fastifyBearerAuth} as `resourceMetadata` so that its 401s point to it (RFC 9728 §5.1).
 *
 * ```ts
 * const metadata = protectedResourceMetadata({ resource: 'https://api.example/mcp', authorizationServers: [issuer] });
 * await app.register(fastifyProtectedResourceMetadata, metadata);
 * await app.register(fastifyBearerAuth, { issuer, audience: metadata.document.resource, resourceMetadata: metadata.url });
 * ```
 */
export const fastifyProtectedResourceMetadata = markAsFastifyPlugin(protectedResourceMetadataRoutes, 'tessera-protected-resource-metadata', '5.x');

/**
 * What the fastify-plugin package does, without depending on it (the toolkit's only
 * dependency is jose, for its types; fastify is an optional peer): `skip-override` makes Fastify register the
 * plugin in its parent's context rather than a new encapsulated one, the display name names it
 * in errors and `printPlugins()`, and the plugin meta lets Fastify check its version.
 */
function markAsFastifyPlugin<T extends (...args: never[]) => unknown>(plugin: T, name: string, fastify: string): T {
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: name,
    [Symbol.for('plugin-meta')]: { name, fastify },
  });
}
