import type { BearerChallenges } from './bearer-error.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, b64token = 1*( ALPHA / DIGIT / "-" / "." /
// "_" / "~" / "+" / "/" ) *"=". The scheme is case-insensitive (RFC 9110 §11.1). Trailing spaces
// are tolerated because some proxies leave them.
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * The access token of an `Authorization: Bearer` header
 * ({@link https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1}). No header at all is
 * the bare 401 challenge of §3.1; anything else that is not exactly one well-formed token is 400
 * `invalid_request` (§3.1: "malformed").
 */
export function bearerTokenFrom(header: string | undefined, challenges: BearerChallenges, requiredScopes: readonly string[] = []): string {
  if (header === undefined) throw challenges.missing(requiredScopes);
  const match = BEARER_CREDENTIALS.exec(header);
  if (match !== null) return match[1] as string;
  // RFC 6750 §3.1: a request using another authentication scheme gets the bare challenge, no error code.
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?: |$)/.test(header) && !BEARER_SCHEME.test(header)) throw challenges.missing(requiredScopes);
  throw challenges.invalidRequest(malformedReason(header));
}

function malformedReason(header: string): string {
  if (!BEARER_SCHEME.test(header)) {
    const scheme = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(header)?.[0];
    return scheme === undefined
      ? 'The Authorization header must be the Bearer scheme followed by an access token (RFC 6750 section 2.1).'
      : 'The Authorization header uses another scheme; this resource accepts only Bearer (RFC 6750 section 2.1).';
  }
  const credentials = header.slice('Bearer'.length).trim();
  if (credentials === '') return 'The Authorization header has the Bearer scheme but no access token (RFC 6750 section 2.1).';
  if (/\s/.test(credentials)) return 'The Authorization header must carry exactly one access token (RFC 6750 section 2.1).';
  return 'The access token contains characters RFC 6750 section 2.1 does not allow in a Bearer token.';
}
