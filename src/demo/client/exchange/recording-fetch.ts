import * as oauth from 'oauth4webapi';
import { jwtsInTokenResponse } from './decode-jwt.js';
import type { Exchange, ExchangeRequest } from './exchange.js';
import { exchangeResponse, messageBody, requestHeaders } from './http-message.js';
import { maskedParams } from './masking.js';

/** What oauth4webapi hands to a custom fetch. */
interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  redirect?: RequestRedirect;
  signal?: AbortSignal | null;
}

/**
 * The client's HTTP calls go through oauth4webapi with this recorder as its fetch: every request
 * and response is kept, masked, for the playground to show. oauth4webapi still does all the
 * protocol work and checks; the recorder only watches.
 */
export class ExchangeRecorder {
  private readonly exchanges: Exchange[] = [];
  readonly options: { [oauth.customFetch]: (url: string, init: FetchInit) => Promise<Response>; [oauth.allowInsecureRequests]: boolean };

  /** `allowHttp`: the demo runs on http://127.0.0.1; oauth4webapi refuses http unless told. */
  constructor(allowHttp: boolean) {
    this.options = {
      [oauth.customFetch]: (url, init) => this.fetch(url, init),
      [oauth.allowInsecureRequests]: allowHttp,
    };
  }

  private async fetch(url: string, init: FetchInit): Promise<Response> {
    const request: ExchangeRequest = {
      method: init.method,
      url: url.split('?')[0] ?? url,
      query: maskedParams(new URL(url).searchParams),
      headers: requestHeaders(Object.entries(init.headers)),
    };
    const body = messageBody(init.body, init.headers['content-type'] ?? null);
    if (body) request.body = body;
    const response = await fetch(url, init as RequestInit);
    const recorded = exchangeResponse(response.status, response.statusText, response.headers, await response.clone().text());
    this.exchanges.push({
      vantage: 'client',
      request,
      response: recorded,
      jwts: recorded.body?.type === 'json' ? jwtsInTokenResponse(recorded.body.value) : [],
    });
    return response;
  }

  /** The last exchange, once the oauth4webapi call that made it has returned or thrown. */
  last(): Exchange | undefined {
    return this.exchanges.at(-1);
  }
}
