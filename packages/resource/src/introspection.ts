import { fetchJsonObject } from './fetch-json.js';

/** The resource server's own client credentials, for the introspection endpoint. */
export interface IntrospectionCredentials {
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 Appendix B: application/x-www-form-urlencoded, as URLSearchParams writes it. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * RFC 6749 §2.3.1 client_secret_basic: client_id and secret are form-encoded before being
 * joined and base64-encoded. Computed once per verifier.
 */
export function basicAuthorization(credentials: IntrospectionCredentials): string {
  const joined = `${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`;
  return `Basic ${Buffer.from(joined, 'utf8').toString('base64')}`;
}

/**
 * Asks the authorization server about a token
 * ({@link https://www.rfc-editor.org/rfc/rfc7662#section-2.1 RFC 7662 §2.1}) and returns its
 * answer unjudged. Nothing is cached: a token revoked a moment ago must be inactive now.
 */
export async function introspect(endpoint: string, authorization: string, token: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return fetchJsonObject(endpoint, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    // RFC 7662 §2.1: token_type_hint is a hint only; it saves the server a lookup.
    body: `token=${formEncode(token)}&token_type_hint=access_token`,
  }, timeoutMs, 'token introspection');
}
