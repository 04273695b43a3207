import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/core/password.js';

/**
 * Hashes made by the `argon2` package (0.45.1, node-gyp) with its defaults, as Tessera stored
 * them before it moved to @node-rs/argon2: `argon2.hash(password, { type: argon2.argon2id })`.
 * Its PHC strings order the parameters m, p, t; @node-rs/argon2 writes m, t, p.
 */
const OLD_LIBRARY_HASHES = [
  {
    password: 'correct horse battery staple',
    hash: '$argon2id$v=19$m=65536,p=4,t=3$wXWf1wFM85lQyyhzHcFvfg$sYpLgUDn71WKqmzNwwCq9OwnEOZdZElkiWxxxuXL83s',
  },
  {
    password: 'wonderland ünïcödé',
    hash: '$argon2id$v=19$m=65536,p=4,t=3$o/Ou9gslyjgRoqHPUgVk2w$Wj7zIM09WSsSqNrw9yMMtKHXwLzpCCCvGWfuS8Mswv8',
  },
];

describe('passwords (argon2id)', () => {
  it('verifies hashes made by the argon2 package Tessera used before, and refuses a wrong password for them', async () => {
    for (const { password, hash } of OLD_LIBRARY_HASHES) {
      expect(await verifyPassword(hash, password)).toBe(true);
      expect(await verifyPassword(hash, `${password}!`)).toBe(false);
    }
  });

  it('hashes with the parameters the argon2 package used: argon2id v19, 64 MiB, 3 passes, 4 lanes, 32 bytes, 16-byte salt', async () => {
    const hash = await hashPassword('wonderland');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parseOptions(hash)).toMatchObject({ memoryCost: 65536, timeCost: 3, parallelism: 4, outputLen: 32, saltLen: 16 });
    expect(await verifyPassword(hash, 'wonderland')).toBe(true);
    expect(await verifyPassword(hash, 'Wonderland')).toBe(false);
    expect(await hashPassword('wonderland')).not.toBe(hash);
  });

  it('answers false, without throwing, for a malformed hash', async () => {
    for (const hash of ['', 'wonderland', '$argon2id$v=19$m=65536,t=3,p=4$AAAA$BBBB', '$bcrypt$10$abc']) {
      expect(await verifyPassword(hash, 'wonderland')).toBe(false);
    }
  });
});
