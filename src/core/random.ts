import { randomBytes } from 'node:crypto';

/** Randomness is injected (DESIGN.md convention 4); production uses the CSPRNG. */
export interface RandomSource {
  /** `byteLength` random bytes, base64url-encoded. */
  token(byteLength: number): string;
}

export const cryptoRandom: RandomSource = {
  token: (byteLength) => randomBytes(byteLength).toString('base64url'),
};
