import type { Exchange, NameValue } from './exchange.js';

/** The OAuth error an exchange carries, and where the playground found it. */
export interface ExchangeError {
  code: string;
  description?: string;
}

function param(rows: readonly NameValue[] | undefined, name: string): string | undefined {
  const row = rows?.find((candidate) => candidate.name === name);
  return row ? row.full ?? row.value : undefined;
}

/** A parameter of a WWW-Authenticate challenge (RFC 6750 §3: auth-param, quoted here). */
function challengeParam(challenge: string, name: string): string | undefined {
  return new RegExp(`(?:^|[\\s,])${name}="([^"]*)"`).exec(challenge)?.[1];
}

/**
 * The error of one half of an exchange: in a JSON response body (RFC 6749 §5.2), in a
 * WWW-Authenticate challenge (RFC 6750 §3), or in the query or fragment of a redirect back to the
 * client (RFC 6749 §4.1.2.1, §4.2.2.1).
 */
export function errorIn(exchange: Exchange, part: 'request' | 'response'): ExchangeError | undefined {
  if (part === 'request') {
    for (const rows of [exchange.request.query, exchange.request.fragment]) {
      const code = param(rows, 'error');
      if (code !== undefined) {
        const description = param(rows, 'error_description');
        return description === undefined ? { code } : { code, description };
      }
    }
    return undefined;
  }
  const response = exchange.response;
  if (!response) return undefined;
  const body = response.body;
  if (body?.type === 'json' && typeof body.value === 'object' && body.value !== null) {
    const { error, error_description: description } = body.value as Record<string, unknown>;
    if (typeof error === 'string') return typeof description === 'string' ? { code: error, description } : { code: error };
  }
  const challenge = response.headers.find((header) => header.name.toLowerCase() === 'www-authenticate');
  if (challenge) {
    const value = challenge.full ?? challenge.value;
    const code = challengeParam(value, 'error');
    if (code !== undefined) {
      const description = challengeParam(value, 'error_description');
      return description === undefined ? { code } : { code, description };
    }
  }
  return undefined;
}
