import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a value for a cookie with AES-256-GCM: encrypted (the browser, and whoever reads its
 * cookies, learns nothing) and authenticated (a value changed by one bit, or sealed under another
 * key, does not open). The GCM tag is the signature, so @fastify/cookie's HMAC signing would add a
 * second one for nothing; @fastify/cookie still parses and serializes the cookie, and node:crypto's
 * AES-GCM does the cryptography (no hand-written primitive, no dependency with native code).
 *
 * New values are sealed with the first key; every key opens, so that the server secret can be
 * rotated without making the cookies in browsers worthless. `label` is authenticated with each
 * value (GCM additional data): a value sealed for one purpose never opens for another.
 */
export class CookieSeal {
  constructor(private readonly keys: readonly Buffer[], private readonly label: string) {
    if (keys.length === 0 || keys.some((key) => key.length !== 32)) throw new RangeError('AES-256-GCM needs 32-byte keys');
  }

  /** base64url(iv ‖ ciphertext ‖ tag), with a fresh random 96-bit IV each time. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv);
    cipher.setAAD(Buffer.from(this.label));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plaintext, or undefined for anything that was not sealed by one of the keys for this label. */
  open(sealed: string): string | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    const iv = bytes.subarray(0, IV_BYTES);
    const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(this.label));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // Not this key (or not authentic): try the next.
      }
    }
    return undefined;
  }
}
