import type { DecodedJwt } from './exchange.js';

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    // atob and TextDecoder, not Buffer: the implicit SPA's bundle decodes with this same module.
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a JWS compact serialization for display, without verifying it: a client must treat
 * access tokens as opaque (RFC 9068 §6), the playground opens them only to teach.
 */
export function decodeJwt(token: string, source: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  return header && payload ? { source, header, payload } : undefined;
}

/** Every JWT in a token response body (access_token, id_token). */
export function jwtsInTokenResponse(body: unknown): DecodedJwt[] {
  if (typeof body !== 'object' || body === null) return [];
  const found: DecodedJwt[] = [];
  for (const name of ['access_token', 'id_token']) {
    const value = (body as Record<string, unknown>)[name];
    const decoded = typeof value === 'string' ? decodeJwt(value, `${name} in the response`) : undefined;
    if (decoded) found.push(decoded);
  }
  return found;
}
