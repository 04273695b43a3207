import type { Client } from '../store/types.js';

/**
 * The redirect URI to use, or undefined when the request's is not acceptable. RFC 9700 §4.1.3:
 * exact string comparison with a registered URI; RFC 6749 §3.1.2.3: it may be omitted only
 * when exactly one is registered.
 */
export function resolveRedirectUri(client: Client, requested: string | undefined): string | undefined {
  if (requested === undefined) return client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
  if (client.redirectUris.includes(requested)) return requested;
  // RFC 8252 §7.3 and RFC 9700 §4.1.3: native apps on a loopback IP literal get an ephemeral port,
  // so for http://127.0.0.1 and http://[::1] the port alone may differ.
  const loose = withoutLoopbackPort(requested);
  return loose !== undefined && client.redirectUris.some((uri) => withoutLoopbackPort(uri) === loose) ? requested : undefined;
}

function withoutLoopbackPort(uri: string): string | undefined {
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?([/?].*)?$/.exec(uri);
  return match ? `http://${match[1]}${match[2] ?? ''}` : undefined;
}

/** Appends parameters to the query (response_mode=query) or the fragment (implicit). */
export function buildRedirect(redirectUri: string, params: Record<string, string>, mode: 'query' | 'fragment'): string {
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') return `${redirectUri}#${encoded}`;
  // RFC 6749 §3.1.2: the registered URI may carry a query, which must be kept.
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
}
