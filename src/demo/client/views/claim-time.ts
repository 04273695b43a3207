/**
 * Claims that are times (exp, iat, nbf, auth_time: RFC 7519 §4.1.4-4.1.6, OpenID Connect Core §2)
 * are NumericDates chosen by whoever wrote the token, and the playground shows tokens anyone can
 * paste or put in a link. `new Date(seconds * 1000).toISOString()` throws a RangeError beyond
 * ±8.64e15 ms (ECMA-262 §21.4.1.1, the time value range), which was a 500 on the token tools and a
 * crash of the implicit page. Every claim that becomes a time goes through here.
 */

/** The largest time value a Date can hold, in milliseconds either side of the epoch (ECMA-262 §21.4.1.1). */
const MAX_TIME_VALUE_MS = 8.64e15;

/** Seconds since the epoch a Date can represent; anything else (huge, NaN, not a number) is not a time here. */
export function isRepresentableTime(seconds: unknown): seconds is number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && Math.abs(seconds * 1000) <= MAX_TIME_VALUE_MS;
}

/** Seconds since the epoch as an ISO date ("2026-11-29T01:00:00Z"), or the raw number when no date can hold it. */
export function isoTime(seconds: number): string {
  return isRepresentableTime(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : String(seconds);
}
