import * as oauth from 'oauth4webapi';
import type { Exchange } from '../exchange/exchange.js';
import { ExchangeRecorder } from '../exchange/recording-fetch.js';
import { MASK } from '../exchange/masking.js';

export interface PlainRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  redirect?: RequestRedirect;
}

export type PlainOutcome =
  | { ok: true; status: number; json: unknown; exchange: Exchange }
  | { ok: false; problem: string };

/**
 * One HTTP request the playground makes itself (registration, introspection, revocation: calls
 * oauth4webapi has no function for, or that the page shows raw), through the same recording
 * fetch as the oauth4webapi calls, so that its exchange is shown like theirs.
 */
export async function recordedHttp(allowHttp: boolean, url: string, init: PlainRequest): Promise<PlainOutcome> {
  const recorder = new ExchangeRecorder(allowHttp);
  try {
    const response = await recorder.options[oauth.customFetch](url, { ...init, redirect: init.redirect ?? 'manual' });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    const exchange = recorder.last();
    if (!exchange) return { ok: false, problem: 'No request was made.' };
    return { ok: true, status: response.status, json, exchange };
  } catch (error) {
    return { ok: false, problem: error instanceof TypeError ? 'The server could not be reached. Is the demo still running?' : `The request failed: ${(error as Error).message}` };
  }
}

/**
 * The exchange with what the page must not show masked: JSON members that are credentials
 * (client_secret, registration_access_token, tokens), and a Bearer header whose token is one.
 * The recording masks form parameters and Basic headers by itself; JSON bodies and bearer
 * credentials other than access tokens are the caller's to name.
 */
export function maskedExchange(exchange: Exchange, options: { jsonMembers?: readonly string[]; bearer?: boolean }): Exchange {
  const members = new Set(options.jsonMembers ?? []);
  const maskJson = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([name, member]) => [name, members.has(name) && typeof member === 'string' ? MASK : member]));
  };
  const request = { ...exchange.request };
  if (options.bearer) {
    request.headers = request.headers.map((header) => (header.name === 'Authorization' && /^Bearer /i.test(header.full ?? header.value)
      ? { name: 'Authorization', value: `Bearer ${MASK}`, masked: true }
      : header));
  }
  if (request.body?.type === 'json') request.body = { type: 'json', value: maskJson(request.body.value) };
  const response = exchange.response && exchange.response.body?.type === 'json'
    ? { ...exchange.response, body: { type: 'json' as const, value: maskJson(exchange.response.body.value) } }
    : exchange.response;
  return { ...exchange, request, ...(response ? { response } : {}) };
}
