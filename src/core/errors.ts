/**
 * RFC errors are values: one subclass per RFC error code. The HTTP layer turns them into
 * RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization redirect) or RFC 6750 §3.1 responses.
 */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  readonly description: string;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>;

  constructor(error: string, status: number, description: string, headers: Record<string, string> = {}) {
    // RFC 6749 §5.2 and §4.1.2.1: error_description MUST NOT include characters outside
    // %x20-21 / %x23-5B / %x5D-7E. Descriptions are fixed text that never echoes input; this
    // keeps a slip from reaching a client or a redirect.
    const safe = description.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '?');
    super(`${error}: ${safe}`);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
    this.description = safe;
    this.headers = headers;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) { super('invalid_request', 400, description); }
}

/**
 * RFC 6749 §5.2: when the client tried to authenticate with the Authorization header the
 * server MUST answer 401 with a WWW-Authenticate header naming that scheme.
 */
export class InvalidClient extends OAuthError {
  readonly usedBasic: boolean;
  constructor(description: string, usedBasic = false) {
    // RFC 9110 §15.5.2: every 401 carries a challenge, not only when Basic was tried.
    super('invalid_client', 401, description, { 'www-authenticate': 'Basic realm="tessera", charset="UTF-8"' });
    this.usedBasic = usedBasic;
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) { super('invalid_grant', 400, description); }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) { super('unauthorized_client', 400, description); }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) { super('unsupported_grant_type', 400, description); }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) { super('unsupported_response_type', 400, description); }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) { super('invalid_scope', 400, description); }
}

/** RFC 8707 §2: a resource the server does not accept. */
export class InvalidTarget extends OAuthError {
  constructor(description: string) { super('invalid_target', 400, description); }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) { super('access_denied', 403, description); }
}


/** Throttled: RFC 6585 429 with Retry-After. The error code follows RFC 6749's vocabulary. */
export class TooManyAttempts extends OAuthError {
  constructor(description: string, retryAfterSeconds: number) {
    super('invalid_request', 429, description, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/**
 * RFC 6749 §4.1.2.1 temporarily_unavailable (used at the token endpoint as well): the server
 * cannot answer now (a signing key not loaded yet), with Retry-After (RFC 9110 §10.2.3).
 */
export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string, retryAfterSeconds: number) {
    super('temporarily_unavailable', 503, description, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export class ServerError extends OAuthError {
  constructor(description = 'The server met an unexpected condition.') { super('server_error', 500, description); }
}


/** RFC 6750 §3: the challenge of a protected resource (UserInfo), with the error in it. */
function bearerChallenge(realm: string, error: string, description: string, extra: string = ''): Record<string, string> {
  return { 'www-authenticate': `Bearer realm="${realm}", error="${error}", error_description="${description}"${extra}` };
}

/** RFC 6750 §3.1 invalid_token: expired, revoked, malformed, or not meant for this resource. 401. */
export class InvalidToken extends OAuthError {
  constructor(realm: string, description: string) {
    super('invalid_token', 401, description);
    Object.assign(this.headers, bearerChallenge(realm, 'invalid_token', this.description));
  }
}

/** RFC 6750 §3.1 insufficient_scope: a valid token without the scope the resource needs. 403. */
export class InsufficientScope extends OAuthError {
  constructor(realm: string, description: string, scope: string) {
    super('insufficient_scope', 403, description);
    Object.assign(this.headers, bearerChallenge(realm, 'insufficient_scope', this.description, `, scope="${scope}"`));
  }
}

/** RFC 6750 §3.1 invalid_request at a protected resource (the token sent twice, say). 400. */
export class InvalidBearerRequest extends OAuthError {
  constructor(realm: string, description: string) {
    super('invalid_request', 400, description);
    Object.assign(this.headers, bearerChallenge(realm, 'invalid_request', this.description));
  }
}

/** OpenID Connect Core §3.1.2.6 login_required: prompt=none and nobody is signed in. */
export class LoginRequired extends OAuthError {
  constructor(description: string) { super('login_required', 400, description); }
}

/** OpenID Connect Core §3.1.2.6 consent_required: prompt=none and the user must consent first. */
export class ConsentRequired extends OAuthError {
  constructor(description: string) { super('consent_required', 400, description); }
}

/** OpenID Connect Core §3.1.2.6 / §6.1: the `request` parameter (a request object) is not supported here. */
export class RequestNotSupported extends OAuthError {
  constructor(description: string) { super('request_not_supported', 400, description); }
}

/** OpenID Connect Core §3.1.2.6 / §6.2: the `request_uri` parameter is not supported here. */
export class RequestUriNotSupported extends OAuthError {
  constructor(description: string) { super('request_uri_not_supported', 400, description); }
}

/** OpenID Connect Core §3.1.2.6 / §7.2.1: the `registration` parameter is not supported here. */
export class RegistrationNotSupported extends OAuthError {
  constructor(description: string) { super('registration_not_supported', 400, description); }
}

/** RFC 7591 §3.2.2 invalid_redirect_uri: a redirect URI this server does not accept for the client. 400. */
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) { super('invalid_redirect_uri', 400, description); }
}

/** RFC 7591 §3.2.2 invalid_client_metadata: a metadata field is invalid or not allowed. 400. */
export class InvalidClientMetadataError extends OAuthError {
  constructor(description: string) { super('invalid_client_metadata', 400, description); }
}
