import type { RandomSource } from './random.js';

/**
 * Opaque tokens carry a readable prefix so that secret scanners can find leaked ones
 * (DESIGN.md convention 3). The random part is 256 bits.
 */
export const TOKEN_PREFIX = {
  refreshToken: 'tsr_rt_',
  authorizationCode: 'tsr_ac_',
  clientSecret: 'tsr_cs_',
  /** RFC 7592 registration access token. */
  registrationAccessToken: 'tsr_rat_',
  /** RFC 7591 §3 initial access token (--dynamic-registration token). */
  initialAccessToken: 'tsr_iat_',
} as const;

export function generateOpaqueToken(prefix: string, random: RandomSource): string {
  return prefix + random.token(32);
}

/**
 * A new grant family id. Time-ordered (a fixed-width time prefix, then randomness) so that the
 * family index of the tokens table grows at its end instead of at random pages.
 */
export function newFamilyId(now: number, random: RandomSource): string {
  return now.toString(36).padStart(7, '0') + random.token(12);
}
