/**
 * The error codes a protected resource answers with: the three of
 * {@link https://www.rfc-editor.org/rfc/rfc6750#section-3.1 RFC 6750 §3.1}, plus
 * `temporarily_unavailable` (RFC 6749 vocabulary) when the authorization server cannot be reached
 * and no token can be checked.
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/** The HTTP status of each {@link BearerErrorCode}; 401 with no code is a bare challenge. */
export type BearerErrorStatus = 400 | 401 | 403 | 503;

/** The JSON body a protected resource sends with a {@link BearerError}. */
export interface BearerErrorBody {
  error?: BearerErrorCode;
  error_description: string;
}

// RFC 6750 §3: error, error_description and scope values are limited to
// %x20-21 / %x23-5B / %x5D-7E, so a value can never need a quoted-pair.
const OUTSIDE_RFC6750_CHARSET = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;
// RFC 9110 §5.6.4 quoted-string: qdtext and quoted-pair allow HTAB, SP, VCHAR and obs-text; control
// characters can never appear, and would make Node refuse the header (or split it).
const NOT_QUOTABLE = /[\x00-\x08\x0A-\x1F\x7F]/g;

/**
 * Quotes a realm as an RFC 9110 §5.6.4 quoted-string: `\` and `"` are escaped, control characters
 * (which no quoted-string may hold) are dropped.
 */
export function quoteRealm(realm: string): string {
  return `"${realm.replace(NOT_QUOTABLE, '').replace(/[\\"]/g, '\\$&')}"`;
}

/** Keeps an RFC 6750 attribute value inside its charset: `"` becomes `'`, anything else outside it `?`. */
function rfc6750Value(value: string): string {
  return `"${value.replace(OUTSIDE_RFC6750_CHARSET, (char) => (char === '"' ? "'" : '?'))}"`;
}

/**
 * A protected-resource request that fails, as a value: the HTTP status, the RFC 6750 error code,
 * a description a developer can act on, and the `WWW-Authenticate` challenge to send
 * ({@link https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3}).
 *
 * `error` is null only for a request with no credentials at all: RFC 6750 §3.1 says such a
 * response SHOULD NOT carry an error code, so its challenge is a bare `Bearer realm="..."`.
 */
export class BearerError extends Error {
  readonly status: BearerErrorStatus;
  readonly error: BearerErrorCode | null;
  readonly description: string;
  /** The complete `WWW-Authenticate` header value (RFC 6750 §3). */
  readonly wwwAuthenticate: string;

  constructor(
    status: BearerErrorStatus,
    error: BearerErrorCode | null,
    description: string,
    wwwAuthenticate: string,
    options?: { cause?: unknown },
  ) {
    super(error === null ? description : `${error}: ${description}`, options);
    this.name = 'BearerError';
    this.status = status;
    this.error = error;
    this.description = description;
    this.wwwAuthenticate = wwwAuthenticate;
  }

  /** The response body: `{error, error_description}`, without `error` for a bare challenge. */
  toJSON(): BearerErrorBody {
    return this.error === null
      ? { error_description: this.description }
      : { error: this.error, error_description: this.description };
  }
}

/**
 * Builds the {@link BearerError}s of one protected resource: the realm is quoted once, and every
 * challenge starts with it (RFC 6750 §3: `Bearer realm="..."`, then `error`, `error_description`,
 * `scope`).
 */
export class BearerChallenges {
  private readonly bare: string;
  private readonly scopeOnMissing: boolean;

  /**
   * @param realm The `realm` of every challenge.
   * @param resourceMetadata The URL of this resource's RFC 9728 metadata document: when given,
   *   every challenge carries it as `resource_metadata` (RFC 9728 §5.1), so that a client that
   *   knows nothing but this resource's URL can find its authorization server.
   */
  constructor(realm: string, resourceMetadata?: string) {
    this.bare = `Bearer realm=${quoteRealm(realm)}`;
    this.scopeOnMissing = resourceMetadata !== undefined;
    // RFC 9728 §5.1: resource_metadata is a quoted URL; a URL serialized by WHATWG URL has no `"`
    // or `\`, and rfc6750Value keeps it inside the quoted-string charset regardless.
    if (resourceMetadata !== undefined) this.bare += `, resource_metadata=${rfc6750Value(resourceMetadata)}`;
  }

  /**
   * RFC 6750 §3.1: no credentials at all, so no error code, only the challenge. A resource that
   * publishes RFC 9728 metadata adds the scopes the request needs as `scope` (RFC 6750 §3; the MCP
   * authorization spec's scope selection), so that a client discovering it asks for them at once;
   * without metadata the challenge stays bare, as §3.1 recommends.
   */
  missing(requiredScopes: readonly string[] = []): BearerError {
    const header = requiredScopes.length === 0 || !this.scopeOnMissing ? this.bare : `${this.bare}, scope=${rfc6750Value(requiredScopes.join(' '))}`;
    return new BearerError(401, null, 'This resource requires a Bearer access token in the Authorization header.', header);
  }

  invalidRequest(description: string): BearerError {
    return this.withCode(400, 'invalid_request', description);
  }

  invalidToken(description: string, cause?: unknown): BearerError {
    return this.withCode(401, 'invalid_token', description, undefined, cause);
  }

  /** RFC 6750 §3: the `scope` attribute names the scopes the request needs. */
  insufficientScope(requiredScopes: readonly string[]): BearerError {
    return this.withCode(403, 'insufficient_scope',
      `The access token lacks a scope this resource requires: ${requiredScopes.join(' ')}.`, requiredScopes.join(' '));
  }

  /**
   * The authorization server could not be asked (metadata, JWKS or introspection failed): the
   * token was not judged, so it is neither 401 nor 403. The detail stays in `cause`, for logs,
   * because it may name internal hosts.
   */
  unavailable(cause: unknown): BearerError {
    return new BearerError(503, 'temporarily_unavailable',
      'The access token cannot be checked now because the authorization server is unavailable; try again later.',
      this.bare, { cause });
  }

  private withCode(status: BearerErrorStatus, error: BearerErrorCode, description: string, scope?: string, cause?: unknown): BearerError {
    let header = `${this.bare}, error="${error}", error_description=${rfc6750Value(description)}`;
    if (scope !== undefined) header += `, scope=${rfc6750Value(scope)}`;
    return new BearerError(status, error, description, header, cause === undefined ? undefined : { cause });
  }
}
