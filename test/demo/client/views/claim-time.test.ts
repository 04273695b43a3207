import { describe, expect, it } from 'vitest';
import { decodeJwt } from '../../../../src/demo/client/exchange/decode-jwt.js';
import { isoTime, isRepresentableTime } from '../../../../src/demo/client/views/claim-time.js';
import { jwtView } from '../../../../src/demo/client/views/exchange-view.js';
import { idTokenClaimsTable } from '../../../../src/demo/client/views/id-token-claims.js';
import { tokenExpiry, tokenLifeView } from '../../../../src/demo/client/views/token-life.js';
import { html } from '../../../../src/html/html.js';

/** A JWT-shaped token (unsigned: the playground decodes without verifying) with these claims. */
function tokenWith(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part(payload)}.c2lnbmF0dXJl`;
}

// Times a Date cannot hold: beyond ±8.64e15 ms (ECMA-262 §21.4.1.1), where toISOString throws.
const UNREPRESENTABLE = [1e20, -1e20, 8.64e12 + 1, Number.MAX_VALUE];

describe('claims that are times, whatever a token says', () => {
  it('writes a representable time in ISO and anything else as its raw number', () => {
    expect(isoTime(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    expect(isoTime(8.64e12)).toBe('+275760-09-13T00:00:00Z');
    for (const seconds of UNREPRESENTABLE) {
      expect(isRepresentableTime(seconds)).toBe(false);
      expect(isoTime(seconds)).toBe(String(seconds));
    }
    expect(isRepresentableTime(Number.NaN)).toBe(false);
    expect(isRepresentableTime('1700000000')).toBe(false);
  });

  it('decodes a JWT whose exp, iat, nbf and auth_time are huge without throwing, showing the raw numbers', () => {
    for (const seconds of UNREPRESENTABLE) {
      const jwt = decodeJwt(tokenWith({ sub: 'x', exp: seconds, iat: -seconds, nbf: seconds, auth_time: seconds }), 'pasted')!;
      const shown = jwtView(jwt, 1_700_000_000).value;
      expect(shown).toContain(`<code>${String(seconds)}</code>`);
      expect(shown).not.toContain('<time');
      expect(idTokenClaimsTable(jwt.payload).value).toContain(String(seconds));
    }
  });

  it('gives no countdown for an exp no date can hold, and a token life view never throws', () => {
    expect(tokenExpiry(tokenWith({ exp: 1e20 }))).toBeUndefined();
    expect(tokenExpiry(tokenWith({ exp: 1_700_000_600 }))).toBe(1_700_000_600);
    expect(tokenLifeView({ exp: 1e20, now: 1_700_000_000, offers: html`` }).value).toContain(String(1e20));
  });
});
