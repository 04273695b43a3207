import type { FastifyRequest } from 'fastify';
import type { ExchangeRequest, ExchangeResponse } from './exchange.js';
import { maskedParams } from './masking.js';
import { displayHeader, requestHeaders } from './http-message.js';

/** A request the Client's server received (from the visitor's browser), as the playground shows it. */
export function incomingRequest(request: FastifyRequest, origin: string, sender: 'browser' | 'server' = 'browser'): ExchangeRequest {
  const url = new URL(request.url, origin);
  const headers = Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : []));
  const recorded: ExchangeRequest = {
    method: request.method,
    url: `${url.origin}${url.pathname}`,
    query: maskedParams(url.searchParams),
    headers: requestHeaders(headers),
  };
  if (request.body instanceof URLSearchParams) recorded.body = { type: 'form', params: maskedParams(request.body) };
  if (sender === 'browser') recorded.fromBrowser = true;
  return recorded;
}

/** The Client's own redirect answer (RFC 6749 §4.1.1: the client directs the user-agent to the Auth Server). */
export function redirectResponse(location: string): ExchangeResponse {
  return { status: 303, statusText: 'See Other', headers: [displayHeader('location', location)] };
}
