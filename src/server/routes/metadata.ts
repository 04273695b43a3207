import type { FastifyInstance } from 'fastify';
import { CLIENT_ASSERTION_ALGS } from '../../core/client-assertion.js';
import { AUTH_METHODS } from '../../core/client-metadata.js';
import { CODE_CHALLENGE_METHODS } from '../../core/pkce.js';
import type { PublicJwks } from '../../keys/key-ring.js';
import { registrableGrantTypes, type ProtocolRegistry } from '../../registry.js';
import { ID_TOKEN_ALGS } from '../../oidc/id-token.js';
import { SCOPE_CLAIMS, STANDARD_CLAIMS } from '../../oidc/standard-claims.js';
import { USERINFO_PATH } from '../../oidc/userinfo.js';

/** RFC 8414 §2: the metadata is derived from what is registered, so it stays true as grants are added. */
export function authorizationServerMetadata(issuer: string, registry: ProtocolRegistry, more: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
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
    // RFC 8414 §2: the JWS algorithms of private_key_jwt assertions (core/client-assertion.ts).
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    ...more,
  };
}

/**
 * What OpenID Connect adds to discovery, for features other modules bring: RP-Initiated Logout
 * sets `end_session_endpoint` (OpenID Connect RP-Initiated Logout 1.0 §2.1) here.
 */
export interface OpenIdMetadataExtensions {
  /** The logout endpoint's URL, once logout exists; absent: not advertised. */
  readonly endSessionEndpoint?: string | undefined;
  /** More members, by name (Back-Channel Logout's backchannel_logout_supported, say). */
  readonly more?: Readonly<Record<string, unknown>> | undefined;
  /** RFC 7591's endpoint, when dynamic registration is on; absent: not advertised. */
  readonly registrationEndpoint?: string | undefined;
  /** Members of both documents, the OAuth metadata (RFC 8414) and OpenID discovery (client_id_metadata_document_supported). */
  readonly both?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * OpenID Connect Discovery 1.0 §3: the OAuth metadata (RFC 8414, which every member of it shares)
 * plus what an OpenID Provider says about itself. Every member is true of this server: what it
 * does not do (request objects, pairwise subjects, signed or encrypted UserInfo) is absent or false.
 */
export function openIdProviderMetadata(issuer: string, registry: ProtocolRegistry, extensions: OpenIdMetadataExtensions = {}): Record<string, unknown> {
  return {
    ...authorizationServerMetadata(issuer, registry, {
      // RFC 8414 §2 registration_endpoint: present only when --dynamic-registration is on.
      ...(extensions.registrationEndpoint !== undefined ? { registration_endpoint: extensions.registrationEndpoint } : {}),
      ...extensions.both,
    }),
    userinfo_endpoint: `${issuer}${USERINFO_PATH}`,
    // Core §3.1.2.1 openid; §5.4 profile, email, address, phone; §11 offline_access. Clients may be
    // registered for other scopes too; these are the ones OpenID Connect defines.
    scopes_supported: ['openid', ...Object.keys(SCOPE_CLAIMS), 'offline_access'],
    // Core §8: public subject identifiers (the user's id); pairwise ones are not offered.
    subject_types_supported: ['public'],
    // Core §15.1: RS256 MUST be supported; a client may register ES256 or EdDSA.
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGS],
    claims_supported: [...STANDARD_CLAIMS, 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'at_hash'],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    // Discovery §3: request_uri_parameter_supported defaults to true, so it is stated.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    // Core §3.1.2.1 ui_locales is accepted, but the server's pages exist in English only.
    ui_locales_supported: ['en'],
    ...(extensions.endSessionEndpoint !== undefined ? { end_session_endpoint: extensions.endSessionEndpoint } : {}),
    ...extensions.more,
  };
}

/**
 * Every path a client may try for the metadata of `issuer` (RFC 8414 §3.1, OpenID Connect
 * Discovery 1.0 §4), as paths of this server. For an issuer with a path P (https://as.example/P):
 * - /.well-known/oauth-authorization-server/P   RFC 8414 §3.1: the well-known suffix inserted before the path
 * - /.well-known/openid-configuration/P         the same insertion, which RFC 8414 §5 allows for openid-configuration and some clients try
 * - /P/.well-known/openid-configuration         OpenID Connect Discovery §4: appended to the issuer
 * - /P/.well-known/oauth-authorization-server   the appended form some clients (MCP SDKs) try too
 * - /.well-known/oauth-authorization-server and /.well-known/openid-configuration, for a proxy that strips P
 * Without a path, the two well-known URIs at the root.
 */
export function metadataPaths(issuer: string): string[] {
  const issuerPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const suffixes = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];
  if (issuerPath === '') return suffixes;
  return [...suffixes.map((suffix) => `${suffix}${issuerPath}`), ...suffixes.map((suffix) => `${issuerPath}${suffix}`), ...suffixes];
}

/**
 * `keys` is read at each request, so a key rotated in is published as soon as the ring reloads;
 * `jwksMaxAge` (a setting) bounds how long a resource server may cache the set.
 */
export function metadataRoutes(
  app: FastifyInstance, issuer: string, registry: ProtocolRegistry, keys: { readonly jwks: PublicJwks }, jwksMaxAge: number,
  openIdExtensions: OpenIdMetadataExtensions = {},
): void {
  // One document at every path: the OpenID Provider metadata is an RFC 8414 document (its members
  // are registered in RFC 8414 §7.1.2's registry), so a client gets the same answer, with
  // code_challenge_methods_supported, whichever path it tries. The proxy in front must route
  // those paths here (docs/DEPLOYMENT.md).
  const metadata = openIdProviderMetadata(issuer, registry, openIdExtensions);
  const serveMetadata = async (_request: unknown, reply: { header(name: string, value: string): unknown }) => {
    reply.header('cache-control', 'public, max-age=300');
    return metadata;
  };
  for (const path of metadataPaths(issuer)) app.get(path, serveMetadata);
  app.get('/jwks', async (_request, reply) => {
    void reply.header('cache-control', `public, max-age=${jwksMaxAge}`).type('application/jwk-set+json');
    return keys.jwks;
  });
}
