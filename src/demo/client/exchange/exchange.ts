/**
 * One HTTP exchange as the playground shows it: what was sent, what came back, and what the
 * playground could learn from it. Secrets are masked before an Exchange is built, so nothing
 * secret is ever kept in a session or rendered.
 */

/** The four lanes of the tutorial's sequence diagrams. */
export type Participant = 'User' | 'Client' | 'Auth Server' | 'Resource Server';

export interface NameValue {
  name: string;
  value: string;
  /** The real value was replaced by dots: a client secret or a password. */
  masked?: boolean;
  /** The whole value, when `value` is shortened for display (a long token). */
  full?: string;
}

export type MessageBody =
  | { type: 'form'; params: NameValue[] }
  | { type: 'json'; value: unknown }
  | { type: 'text'; text: string };

export interface ExchangeRequest {
  method: string;
  url: string;
  /** The URL's query parameters, decoded. */
  query: NameValue[];
  /** Only the headers that matter to OAuth (Authorization, Content-Type, Origin, ...). */
  headers: NameValue[];
  body?: MessageBody;
  /** The URL's fragment parameters: read by the page's script, never sent to any server. */
  fragment?: NameValue[];
  /** How the request line is labelled, when not "Request" (e.g. "The page loaded at"). */
  kind?: string;
  /** Set when no HTTP request was made at all (a click handled by the page's script): what happened instead. */
  text?: string;
  /**
   * Set on a request the Client received from your browser (a form post, a redirect back): it
   * carried the browser's session cookie, which the recording leaves out, and without which the
   * Client refuses it (the form's CSRF token is bound to the session) or finds no flow to continue.
   */
  fromBrowser?: true;
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  headers: NameValue[];
  body?: MessageBody;
}

/** A JWT found in an exchange, decoded (not verified: the client treats access tokens as opaque). */
export interface DecodedJwt {
  /** Where it was found, e.g. "access_token in the response". */
  source: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Where the playground stood when it saw the exchange:
 * - `client`: on the Client's server, which sent or received it;
 * - `browser`: in the browser, in the single-page app's own code;
 * - `redirect`: the playground sent the browser there, and cannot see what happened next.
 */
export type Vantage = 'client' | 'browser' | 'redirect';

export interface Exchange {
  vantage: Vantage;
  request: ExchangeRequest;
  /** Absent when the playground could not see the answer (the Auth Server's pages). */
  response?: ExchangeResponse;
  jwts: DecodedJwt[];
}
