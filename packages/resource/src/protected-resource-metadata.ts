/**
 * OAuth 2.0 Protected Resource Metadata
 * ({@link https://www.rfc-editor.org/rfc/rfc9728 RFC 9728}): the JSON document in which an API
 * says which authorization servers issue its tokens and which scopes it understands. MCP clients
 * start from it: a 401 names its URL (`resource_metadata`, §5.1), they fetch it, then the
 * authorization server's own metadata (RFC 8414).
 */

/** The well-known URI suffix registered by RFC 9728 §3. */
export const PROTECTED_RESOURCE_METADATA_SUFFIX = '/.well-known/oauth-protected-resource';

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /**
   * The resource identifier (RFC 9728 §1.2): an `https` URL without query or fragment, exactly
   * as clients use it (and as the `resource` of RFC 8707 and the tokens' `aud`), e.g.
   * `https://api.example/mcp`. `http` is accepted only for loopback hosts, for development.
   */
  resource: string;
  /** Issuer identifiers of the authorization servers whose tokens this resource accepts (RFC 9728 §2). */
  authorizationServers: readonly string[];
  /** Scopes this resource understands (RFC 9728 §2 `scopes_supported`). */
  scopesSupported?: readonly string[];
  /** A page for developers about this resource (RFC 9728 §2 `resource_documentation`). */
  resourceDocumentation?: string;
  /** A name for people (RFC 9728 §2 `resource_name`). */
  resourceName?: string;
  /**
   * For a resource with a path: also serve the document at the host's root
   * `/.well-known/oauth-protected-resource`, where clients of the 2025-03-26 MCP revision look.
   * Default true. Set false when one host serves several resources (only one document can be at
   * the root). A client that built the root URL from a host-only identifier ignores this document
   * (RFC 9728 §3.3: `resource` must be that identifier); MCP clients accept a path below it.
   */
  serveAtRoot?: boolean;
}

/** The RFC 9728 §2 document, as served. */
export interface ProtectedResourceMetadataDocument {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  /** Tessera's toolkit reads tokens from the Authorization header only (RFC 6750 §2.1). */
  bearer_methods_supported: ['header'];
  resource_documentation?: string;
  resource_name?: string;
}

/** The document, where it is served, and its URL (for {@link BearerVerifierOptions.resourceMetadata}). */
export interface ProtectedResourceMetadata {
  readonly document: Readonly<ProtectedResourceMetadataDocument>;
  /**
   * The paths it is served at, the RFC 9728 §3.1 one first: for `https://api.example/mcp`,
   * `/.well-known/oauth-protected-resource/mcp`, then (unless `serveAtRoot` is false)
   * `/.well-known/oauth-protected-resource`; for `https://api.example`, only the latter.
   */
  readonly paths: readonly string[];
  /** The URL of the document (RFC 9728 §3.1), to put in challenges as `resource_metadata`. */
  readonly url: string;
  /** The JSON body, serialized once. */
  readonly body: string;
  /** Response headers: JSON, cacheable, readable from any origin (it is public, RFC 9728 §3.2). */
  readonly headers: Readonly<Record<string, string>>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function httpsUrl(value: string, name: string, allowQuery: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new TypeError(`${name} must use https (http only for a loopback host).`);
  }
  // RFC 9728 §1.2: the resource identifier MUST NOT contain a fragment.
  if (url.hash !== '' || value.includes('#')) throw new TypeError(`${name} must not contain a fragment.`);
  if (!allowQuery && (url.search !== '' || value.includes('?'))) throw new TypeError(`${name} must not contain a query.`);
  return url;
}

function stringList(values: readonly string[], name: string): string[] {
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string' || value === '')) {
    throw new TypeError(`${name} must be a list of non-empty strings.`);
  }
  return [...values];
}

/**
 * The well-known path of a resource's metadata (RFC 9728 §3.1): the suffix is inserted between
 * the host and the path, and a terminating slash of the path removed first, so
 * `https://api.example/mcp/` and `https://api.example/mcp` both give
 * `/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataPath(resource: string): string {
  const path = httpsUrl(resource, 'resource', false).pathname.replace(/\/+$/, '');
  return PROTECTED_RESOURCE_METADATA_SUFFIX + path;
}

/**
 * Builds the protected-resource metadata of one resource, validated once at start-up.
 *
 * ```ts
 * const metadata = protectedResourceMetadata({
 *   resource: 'https://api.example/mcp', authorizationServers: ['https://as.example'], scopesSupported: ['mcp:tools'],
 * });
 * // metadata.url === 'https://api.example/.well-known/oauth-protected-resource/mcp'
 * ```
 *
 * @throws TypeError when an option is not what RFC 9728 §2 allows.
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  const resourceUrl = httpsUrl(options.resource, 'resource', false);
  const servers = stringList(options.authorizationServers, 'authorizationServers');
  if (servers.length === 0) throw new TypeError('authorizationServers must name at least one authorization server.');
  for (const server of servers) httpsUrl(server, 'each authorization server', false);
  const document: ProtectedResourceMetadataDocument = {
    // RFC 9728 §3.3: the resource value MUST be identical to the resource identifier the client
    // built the metadata URL from, so it is served exactly as configured.
    resource: options.resource,
    authorization_servers: servers,
    bearer_methods_supported: ['header'],
  };
  if (options.scopesSupported !== undefined) {
    const scopes = stringList(options.scopesSupported, 'scopesSupported');
    // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E.
    if (scopes.some((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope))) throw new TypeError('scopesSupported must hold RFC 6749 scope tokens.');
    document.scopes_supported = scopes;
  }
  if (options.resourceDocumentation !== undefined) {
    document.resource_documentation = httpsUrl(options.resourceDocumentation, 'resourceDocumentation', true).href;
  }
  if (options.resourceName !== undefined) {
    if (typeof options.resourceName !== 'string' || options.resourceName === '') throw new TypeError('resourceName must be a non-empty string.');
    document.resource_name = options.resourceName;
  }
  const wellKnown = protectedResourceMetadataPath(options.resource);
  const paths = wellKnown === PROTECTED_RESOURCE_METADATA_SUFFIX || options.serveAtRoot === false
    ? [wellKnown] : [wellKnown, PROTECTED_RESOURCE_METADATA_SUFFIX];
  return Object.freeze({
    document: Object.freeze(document),
    paths: Object.freeze(paths),
    url: new URL(wellKnown, resourceUrl.origin).href,
    body: JSON.stringify(document),
    headers: Object.freeze({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      // Browser-based clients (MCP inspectors, web apps) read it across origins; it holds nothing private.
      'access-control-allow-origin': '*',
    }),
  });
}

/** The answer to a CORS preflight for the document (MCP clients send an `MCP-Protocol-Version` header). */
export const METADATA_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD',
  'access-control-allow-headers': 'mcp-protocol-version',
  'access-control-max-age': '86400',
});

/** A built document, or the options to build one. */
export type ProtectedResourceMetadataSource = ProtectedResourceMetadata | ProtectedResourceMetadataOptions;

export function metadataFrom(source: ProtectedResourceMetadataSource): ProtectedResourceMetadata {
  return 'body' in source ? source : protectedResourceMetadata(source);
}
