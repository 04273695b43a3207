import { createHash } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from './errors.js';

// RFC 7636 §4.1/§4.2: verifier and S256 challenge are 43-128 characters of [A-Z a-z 0-9 - . _ ~].
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** True for a verifier or S256 challenge of the RFC 7636 §4.1/§4.2 form. */
export function isPkceValue(value: string | undefined): boolean {
  return value !== undefined && PKCE_VALUE.test(value);
}

/** Only S256: `plain` offers no protection if the authorization request leaks (RFC 9700 §2.1.1). */
export const CODE_CHALLENGE_METHODS = ['S256'] as const;

/** Validates the challenge of an authorization request; undefined when none was sent. */
export function parseCodeChallenge(challenge: string | undefined, method: string | undefined): string | undefined {
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method was sent without a code_challenge.');
    return undefined;
  }
  // RFC 7636 §4.3: the method defaults to "plain", which this server refuses.
  if (method !== 'S256') {
    throw new InvalidRequest('code_challenge_method must be S256; plain is not supported (RFC 7636 section 4.2, RFC 9700 section 2.1.1).');
  }
  if (!PKCE_VALUE.test(challenge)) throw new InvalidRequest('code_challenge must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.2).');
  return challenge;
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * RFC 7636 §4.6: the verifier must hash to the stored challenge. RFC 9700 §2.1.1: a verifier
 * sent for a code that was issued without a challenge is refused, so an attacker cannot
 * strip PKCE from the authorization request.
 */
export function checkCodeVerifier(challenge: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    if (verifier !== undefined) throw new InvalidGrant('code_verifier was sent, but the authorization request had no code_challenge.');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required: the authorization request used PKCE.');
  if (!PKCE_VALUE.test(verifier)) throw new InvalidGrant('code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1).');
  if (s256(verifier) !== challenge) throw new InvalidGrant('code_verifier does not match the code_challenge.');
}
