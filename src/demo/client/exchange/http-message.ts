import type { ExchangeResponse, MessageBody, NameValue } from './exchange.js';
import { maskedAuthorization, maskedParams, shortened } from './masking.js';

// How HTTP messages are shown: the headers that matter, bodies parsed, secrets masked.

/** The headers of a request that say something about OAuth; the rest (user-agent, ...) is noise. */
const REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'origin'];
const RESPONSE_HEADERS = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'location', 'access-control-allow-origin'];

const HEADER_NAMES: Record<string, string> = {
  'authorization': 'Authorization', 'content-type': 'Content-Type', 'accept': 'Accept', 'origin': 'Origin',
  'cache-control': 'Cache-Control', 'pragma': 'Pragma', 'www-authenticate': 'WWW-Authenticate', 'location': 'Location',
  'access-control-allow-origin': 'Access-Control-Allow-Origin',
};

/** A header for display under its usual capitalization, the Authorization header masked. */
export function displayHeader(name: string, value: string): NameValue {
  const lower = name.toLowerCase();
  if (lower === 'authorization') return maskedAuthorization(value);
  return lower === 'location' ? shortened('Location', value, 96) : { name: HEADER_NAMES[lower] ?? name, value };
}

export function requestHeaders(headers: Iterable<[string, string]>): NameValue[] {
  return [...headers].filter(([name]) => REQUEST_HEADERS.includes(name.toLowerCase())).map(([name, value]) => displayHeader(name, value));
}

export function responseHeaders(headers: Headers): NameValue[] {
  return RESPONSE_HEADERS.flatMap((name) => {
    const value = headers.get(name);
    return value === null ? [] : [displayHeader(name, value)];
  });
}

/** A body as the playground shows it: form parameters (masked), JSON, or text. */
export function messageBody(body: unknown, contentType: string | null): MessageBody | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (body instanceof URLSearchParams) return { type: 'form', params: maskedParams(body) };
  const text = typeof body === 'string' ? body : String(body);
  if (contentType?.includes('application/x-www-form-urlencoded')) return { type: 'form', params: maskedParams(new URLSearchParams(text)) };
  if (contentType?.includes('json')) {
    try {
      return { type: 'json', value: JSON.parse(text) as unknown };
    } catch {
      return { type: 'text', text };
    }
  }
  return { type: 'text', text };
}

function statusText(status: number, given: string): string {
  if (given !== '') return given;
  const known: Record<number, string> = {
    200: 'OK', 201: 'Created', 204: 'No Content', 302: 'Found', 303: 'See Other', 400: 'Bad Request', 401: 'Unauthorized',
    403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  return known[status] ?? '';
}

export function exchangeResponse(status: number, reason: string, headers: Headers, bodyText: string): ExchangeResponse {
  const response: ExchangeResponse = { status, statusText: statusText(status, reason), headers: responseHeaders(headers) };
  const body = messageBody(bodyText, headers.get('content-type'));
  if (body) response.body = body;
  return response;
}
