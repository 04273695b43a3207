import type { NameValue } from './exchange.js';

export const MASK = '••••••••';

/** Parameters whose values never leave the client's memory in readable form. */
const SECRET_PARAMS = new Set(['client_secret', 'password']);

/** Form or query parameters, with client secrets and passwords masked. */
export function maskedParams(params: URLSearchParams): NameValue[] {
  return [...params].map(([name, value]) => (SECRET_PARAMS.has(name)
    ? { name, value: MASK, masked: true }
    : shortened(name, value)));
}

/** Long values (tokens) are shortened for display; the full value stays available. */
export function shortened(name: string, value: string, keep = 48): NameValue {
  return value.length <= keep + 12 ? { name, value } : { name, value: `${value.slice(0, keep)}…${value.slice(-8)}`, full: value };
}

/**
 * RFC 6749 §2.3.1 form-encodes the client_id before base64 (Appendix B). A header anyone sent may
 * carry a malformed escape ("%zz"), on which decodeURIComponent throws: then the raw text is shown.
 */
function formDecoded(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * An Authorization header for display. Basic carries `client_id:client_secret` in base64
 * (RFC 6749 §2.3.1): showing the base64 would show the secret, so only the client_id is kept.
 */
export function maskedAuthorization(value: string): NameValue {
  const basic = /^Basic\s+(\S+)$/i.exec(value);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const clientId = formDecoded(decoded.slice(0, Math.max(decoded.indexOf(':'), 0)));
    return { name: 'Authorization', value: `Basic base64("${clientId}:${MASK}")`, masked: true };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  if (bearer?.[1]) {
    const display = shortened('Authorization', bearer[1], 32);
    return { name: 'Authorization', value: `Bearer ${display.value}`, ...(display.full ? { full: `Bearer ${display.full}` } : {}) };
  }
  return { name: 'Authorization', value: MASK, masked: true };
}
