import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ServerSecrets } from '../core/server-secrets.js';

/** A private JWK as stored: AES-256-GCM under a key derived from the server secret. */
export interface SealedJwk {
  sealed: 'A256GCM';
  /** base64url of IV (12 bytes) | tag (16 bytes) | ciphertext */
  data: string;
}

const PURPOSE = 'signing key encryption';

export function isSealed(stored: Record<string, unknown>): boolean {
  return stored.sealed === 'A256GCM' && typeof stored.data === 'string';
}

/** Encrypts a private JWK; the kid is authenticated too, so a sealed key cannot be moved to another row. */
export function sealJwk(jwk: Record<string, unknown>, kid: string, secrets: ServerSecrets): SealedJwk {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secrets.currentKey(PURPOSE), iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return { sealed: 'A256GCM', data: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url') };
}

/** A server secret that opens no stored signing key: the wrong secret, or the database of another server. */
export class WrongServerSecret extends Error {
  constructor() {
    super('the server secret does not decrypt the stored signing keys; start with the secret this database was created with (--secret-file or TESSERA_SECRET).');
    this.name = 'WrongServerSecret';
  }
}

/** Decrypts with any of the configured secrets (the current first); `current` tells whether to reseal. */
export function openJwk(stored: Record<string, unknown>, kid: string, secrets: ServerSecrets): { jwk: Record<string, unknown>; current: boolean } {
  const raw = Buffer.from(String(stored.data), 'base64url');
  const keys = secrets.keys(PURPOSE);
  for (const [index, key] of keys.entries()) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return { jwk: JSON.parse(plain) as Record<string, unknown>, current: index === 0 };
    } catch {
      // Not this secret's key: try the next.
    }
  }
  throw new WrongServerSecret();
}
