import { BearerError } from './bearer-error.js';
import type { AccessTokenClaims } from './claims.js';
import {
  METADATA_PREFLIGHT_HEADERS, metadataFrom, type ProtectedResourceMetadataSource,
} from './protected-resource-metadata.js';
import { requiredScopeList } from './required-scopes.js';
import type { BearerVerifier } from './verify.js';

/**
 * The part of a request the middleware uses: node's `IncomingMessage` and Express's `Request`
 * both fit. The verified claims are set on `accessToken`.
 */
export interface BearerRequest {
  readonly headers: { readonly authorization?: string | undefined };
  accessToken?: AccessTokenClaims;
}

/** The part of a response the middleware uses: node's `ServerResponse` and Express's `Response` both fit. */
export interface BearerResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Connect/Express `next`: no argument to continue, an error to hand it to the error handler. */
export type NextFunction = (error?: unknown) => void;

/** A Connect/Express-style middleware. */
export type BearerMiddleware = (request: BearerRequest, response: BearerResponse, next: NextFunction) => void;

/**
 * A Connect/Express-style middleware for a protected route: with a valid token carrying every
 * scope of `requiredScopes` it sets `request.accessToken` and calls `next()`; otherwise it answers
 * the {@link https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3} error itself (status,
 * `WWW-Authenticate`, JSON `{error, error_description}`). An unexpected error goes to `next(error)`.
 *
 * ```ts
 * app.get('/notes', requireToken(verifier, ['notes:read']), (req, res) => { ... });
 * ```
 *
 * @throws TypeError when a scope is not one RFC 6749 §3.3 scope token.
 */
export function requireToken(verifier: BearerVerifier, requiredScopes: readonly string[]): BearerMiddleware {
  const scopes = requiredScopeList(requiredScopes);
  return (request, response, next) => {
    verifier.verify(request.headers.authorization, scopes).then((claims) => {
      request.accessToken = claims;
      next();
    }, (error: unknown) => {
      if (!(error instanceof BearerError)) {
        next(error);
        return;
      }
      response.statusCode = error.status;
      response.setHeader('www-authenticate', error.wwwAuthenticate);
      // An error about credentials must not be replayed from a cache to another client.
      response.setHeader('cache-control', 'no-store');
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(JSON.stringify(error.toJSON()));
    });
  };
}

/** The part of a request {@link protectedResourceMetadataHandler} reads: node's and Express's fit. */
export interface MetadataRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
}

/** A Connect/Express-style middleware that serves some paths and passes the rest on. */
export type MetadataMiddleware = (request: MetadataRequest, response: BearerResponse, next: NextFunction) => void;

/**
 * A Connect/Express-style middleware that serves a resource's RFC 9728 protected-resource
 * metadata at its well-known path(s) and calls `next()` for every other request. Mount it at the
 * application's root (`app.use(...)`), since the path is fixed by RFC 9728 §3.1.
 *
 * ```ts
 * const metadata = protectedResourceMetadata({ resource: 'https://api.example/mcp', authorizationServers: [issuer] });
 * app.use(protectedResourceMetadataHandler(metadata));
 * const verifier = createBearerVerifier({ issuer, audience: metadata.document.resource, resourceMetadata: metadata.url });
 * ```
 */
export function protectedResourceMetadataHandler(source: ProtectedResourceMetadataSource): MetadataMiddleware {
  const metadata = metadataFrom(source);
  const paths = new Set(metadata.paths);
  return (request, response, next) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    if (!paths.has(query < 0 ? url : url.slice(0, query))) {
      next();
      return;
    }
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS') {
      response.statusCode = 204;
      for (const [name, value] of Object.entries(METADATA_PREFLIGHT_HEADERS)) response.setHeader(name, value);
      response.end('');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      next();
      return;
    }
    response.statusCode = 200;
    for (const [name, value] of Object.entries(metadata.headers)) response.setHeader(name, value);
    response.setHeader('content-length', String(Buffer.byteLength(metadata.body)));
    response.end(method === 'HEAD' ? '' : metadata.body);
  };
}
