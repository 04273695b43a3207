import type { Client } from '../store/types.js';
import { isPkceValue } from './pkce.js';

/**
 * Whether the port of a loopback redirect URI may differ from the registered one: RFC 8252 §7.3
 * gives native apps an ephemeral port, and only them, for the code flow with PKCE (RFC 8252
 * §8.1). A web client, or the implicit grant, gets exact matching, port included.
 */
export function loopbackPortMayVary(client: Client, responseType: string | undefined, usesPkce: boolean): boolean {
  return client.applicationType === 'native' && responseType === 'code' && usesPkce;
}

/**
 * Whether an authorization request is a code request with a well-formed S256 challenge, read
 * before anything else is validated: the redirect URI is settled first (RFC 6749 §4.1.2.1), so a
 * loosely matched loopback URI must rest only on parameters that cannot fail validation later.
 */
export function isCodeRequestWithPkce(query: URLSearchParams): boolean {
  const one = (name: string) => { const values = query.getAll(name); return values.length === 1 ? values[0] : undefined; };
  return one('response_type') === 'code' && one('code_challenge_method') === 'S256' && isPkceValue(one('code_challenge'));
}

/**
 * The redirect URI to use, or undefined when the request's is not acceptable. RFC 9700 §4.1.3:
 * exact string comparison with a registered URI; RFC 6749 §3.1.2.3: it may be omitted only
 * when exactly one is registered.
 */
export function resolveRedirectUri(client: Client, requested: string | undefined, anyLoopbackPort = false): string | undefined {
  if (requested === undefined) return client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
  if (client.redirectUris.includes(requested)) return requested;
  if (!anyLoopbackPort) return undefined;
  // RFC 8252 §7.3 and RFC 9700 §4.1.3: the port alone may differ, for http on a loopback host.
  const loose = withoutLoopbackPort(requested);
  return loose !== undefined && client.redirectUris.some((uri) => withoutLoopbackPort(uri) === loose) ? requested : undefined;
}

function withoutLoopbackPort(uri: string): string | undefined {
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::\d{1,5})?([/?].*)?$/.exec(uri);
  return match ? `http://${match[1]}${match[2] ?? ''}` : undefined;
}

/** Appends parameters to the query (response_mode=query) or the fragment (implicit). */
export function buildRedirect(redirectUri: string, params: Record<string, string>, mode: 'query' | 'fragment'): string {
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') return `${redirectUri}#${encoded}`;
  // RFC 6749 §3.1.2: the registered URI may carry a query, which must be kept.
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
}
