import type { FastifyInstance } from 'fastify';
import { AUTH_METHODS } from '../../core/client-metadata.js';
import { CODE_CHALLENGE_METHODS } from '../../core/pkce.js';
import type { PublicJwks } from '../../keys/key-ring.js';
import { registrableGrantTypes, type ProtocolRegistry } from '../../registry.js';

/** RFC 8414 §2: the metadata is derived from what is registered, so it stays true as grants are added. */
export function authorizationServerMetadata(issuer: string, registry: ProtocolRegistry): Record<string, unknown> {
  const base = issuer;
  const authMethods = AUTH_METHODS.filter((method) => method !== 'none');
  return {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    introspection_endpoint: `${base}/introspect`,
    revocation_endpoint: `${base}/revoke`,
    // RFC 8414 §2: the grant_types values of RFC 7591, so "implicit" for the token response type.
    grant_types_supported: registrableGrantTypes(registry),
    response_types_supported: registry.responseTypes.map((handler) => handler.responseType),
    response_modes_supported: [...new Set(registry.responseTypes.map((handler) => handler.responseMode))],
    code_challenge_methods_supported: [...CODE_CHALLENGE_METHODS],
    // RFC 9207 §3
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: authMethods,
    // RFC 7009 §2.1: a public client identifies itself with client_id alone to revoke its tokens.
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
  };
}

/**
 * `keys` is read at each request, so a key rotated in is published as soon as the ring reloads;
 * `jwksMaxAge` (a setting) bounds how long a resource server may cache the set.
 */
export function metadataRoutes(app: FastifyInstance, issuer: string, registry: ProtocolRegistry, keys: { readonly jwks: PublicJwks }, jwksMaxAge: number): void {
  const metadata = authorizationServerMetadata(issuer, registry);
  const serveMetadata = async (_request: unknown, reply: { header(name: string, value: string): unknown }) => {
    reply.header('cache-control', 'public, max-age=300');
    return metadata;
  };
  app.get('/.well-known/oauth-authorization-server', serveMetadata);
  // RFC 8414 §3.1: for an issuer with a path, the well-known suffix goes between host and path;
  // the proxy in front must route that URL here too (docs/DEPLOYMENT.md).
  const issuerPath = new URL(issuer).pathname.replace(/\/+$/, '');
  if (issuerPath !== '') app.get(`/.well-known/oauth-authorization-server${issuerPath}`, serveMetadata);
  // The same document, for clients that only look for OpenID Connect discovery.
  app.get('/.well-known/openid-configuration', serveMetadata);
  app.get('/jwks', async (_request, reply) => {
    void reply.header('cache-control', `public, max-age=${jwksMaxAge}`).type('application/jwk-set+json');
    return keys.jwks;
  });
}
