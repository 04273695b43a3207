import { fetchJsonObject, UpstreamError } from './fetch-json.js';

/** The members of RFC 8414 §2 authorization server metadata a resource server uses. */
export interface DiscoveredMetadata {
  issuer: string;
  jwksUri: string | undefined;
  introspectionEndpoint: string | undefined;
}

const WELL_KNOWN = '/.well-known/oauth-authorization-server';

/**
 * Checks an issuer identifier the way RFC 8414 §2 defines it: an http(s) URL with no query or
 * fragment. A mistake here is the developer's, so it throws at construction, not per request.
 */
export function assertIssuerIdentifier(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`issuer must be an absolute URL, got "${issuer}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`issuer must be an https (or http, for development) URL, got "${issuer}".`);
  }
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new TypeError(`issuer must not have a query or fragment (RFC 8414 §2), got "${issuer}".`);
  }
  return url;
}

/**
 * The metadata URL of an issuer. RFC 8414 §3.1: the well-known suffix goes between the host and
 * the path, after removing a terminating "/" from the path, so `https://as.example/tenant` is
 * described at `https://as.example/.well-known/oauth-authorization-server/tenant`.
 */
export function metadataUrl(issuer: string): string {
  const url = assertIssuerIdentifier(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return `${url.origin}${WELL_KNOWN}${path}`;
}

function optionalUrl(metadata: Record<string, unknown>, member: string): string | undefined {
  const value = metadata[member];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') return value;
    } catch {
      // Reported below with the member's name.
    }
  }
  throw new UpstreamError(`authorization server metadata: ${member} is not an http(s) URL.`);
}

/**
 * Fetches and checks the issuer's metadata
 * ({@link https://www.rfc-editor.org/rfc/rfc8414#section-3 RFC 8414 §3}).
 */
export async function discoverMetadata(issuer: string, timeoutMs: number): Promise<DiscoveredMetadata> {
  const metadata = await fetchJsonObject(metadataUrl(issuer), {
    method: 'GET', headers: { accept: 'application/json' },
  }, timeoutMs, 'authorization server metadata');
  // RFC 8414 §3.3: the issuer value returned MUST be identical to the issuer identifier the
  // metadata URL was formed from; if not, the data MUST NOT be used.
  if (metadata.issuer !== issuer) {
    throw new UpstreamError(
      `authorization server metadata: issuer is ${JSON.stringify(metadata.issuer)}, expected "${issuer}" (RFC 8414 §3.3).`);
  }
  return {
    issuer,
    jwksUri: optionalUrl(metadata, 'jwks_uri'),
    introspectionEndpoint: optionalUrl(metadata, 'introspection_endpoint'),
  };
}
