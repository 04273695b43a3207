import { Algorithm, hash, verify, Version } from '@node-rs/argon2';

/**
 * The argon2id parameters of every new hash: those that the `argon2` package (node-gyp, used
 * before @node-rs/argon2) applied by default, so that hashes made before and after the switch are
 * alike: 64 MiB of memory, 3 passes, 4 lanes, a 32-byte hash, Argon2 version 0x13 (19), and a
 * random 16-byte salt (@node-rs/argon2's default salt, as `argon2`'s). @node-rs/argon2's own
 * defaults are weaker (19 MiB, 2 passes, 1 lane): never rely on them.
 */
export const ARGON2ID_PARAMETERS = {
  algorithm: Algorithm.Argon2id,
  version: Version.V0x13,
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 4,
  outputLen: 32,
} as const;

/** Passwords at rest are argon2id hashes (PHC strings), never the password. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_PARAMETERS);
}

/**
 * False for a wrong password or a malformed hash; never throws on bad input. The hash's own PHC
 * parameters are used, so hashes of other parameters (and those of the old `argon2` package) verify.
 */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}
