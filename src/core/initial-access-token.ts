import type { ClientRegistrationStore, InitialAccessToken } from '../store/types.js';
import type { RandomSource } from './random.js';
import type { KeyedHash } from './secret-hash.js';
import { generateOpaqueToken, TOKEN_PREFIX } from './tokens.js';

/** An initial access token just created: the token itself is shown once, only its hash is stored. */
export interface CreatedInitialAccessToken {
  token: string;
  record: InitialAccessToken;
}

/**
 * RFC 7591 §3: an initial access token for --dynamic-registration token (`tessera registration-token
 * create`), optionally expiring after `expiresIn` seconds and refused after `maxUses` registrations.
 */
export async function createInitialAccessToken(
  store: Pick<ClientRegistrationStore, 'createInitialToken'>, tokenHash: KeyedHash, random: RandomSource, now: number,
  limits: { expiresIn?: number | undefined; maxUses?: number | undefined } = {},
): Promise<CreatedInitialAccessToken> {
  const token = generateOpaqueToken(TOKEN_PREFIX.initialAccessToken, random);
  const record: InitialAccessToken = {
    id: random.token(9), tokenHash: tokenHash.hash(token), createdAt: now,
    expiresAt: limits.expiresIn === undefined ? null : now + limits.expiresIn, maxUses: limits.maxUses ?? null, uses: 0,
  };
  await store.createInitialToken(record);
  return { token, record };
}
