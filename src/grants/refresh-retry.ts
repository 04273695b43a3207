import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { TokenResponse } from './types.js';

/**
 * The successor tokens of a refresh rotation, sealed for its retry window (security review
 * finding 15). They are encrypted with AES-256-GCM under a key derived (HKDF-SHA-256) from the
 * rotated refresh token itself, which the database never holds (only its hash): the database alone
 * cannot read them, and only a caller presenting that refresh token can. The token has 256 random
 * bits, so HKDF needs no salt and no stretching. The client_id is authenticated data: a sealed
 * successor opens only for the client it was issued to.
 */
interface Successor {
  access_token: string;
  refresh_token: string;
  scope: string;
  /** When the access token expires (seconds since the epoch): a retry reports its remaining lifetime. */
  expires_at: number;
  /** The ID token of an OpenID grant's rotation (OpenID Connect Core §12.2), so a retry gets it too. */
  id_token?: string;
}

const INFO = 'tessera refresh retry v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFor(refreshToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(refreshToken, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/** Seals `response` (with a refresh token) for a retry that presents `presentedRefreshToken`. */
export function sealSuccessor(presentedRefreshToken: string, clientId: string, response: TokenResponse, accessExpiresAt: number): string {
  if (response.refresh_token === undefined) throw new TypeError('a rotation always has a successor refresh token');
  const successor: Successor = {
    access_token: response.access_token, refresh_token: response.refresh_token, scope: response.scope ?? '', expires_at: accessExpiresAt,
    ...(response.id_token !== undefined ? { id_token: response.id_token } : {}),
  };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(presentedRefreshToken), iv);
  cipher.setAAD(Buffer.from(clientId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(successor), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens what `sealSuccessor` sealed, as the token response a retry at `now` gets: the same tokens,
 * expires_in the access token's remaining lifetime. Undefined when it does not open (another
 * token or client, or altered) or the access token has expired.
 */
export function openSuccessor(presentedRefreshToken: string, clientId: string, sealed: string, now: number): TokenResponse | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  let successor: Successor;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(presentedRefreshToken), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(clientId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    successor = JSON.parse(body.toString('utf8')) as Successor;
  } catch {
    return undefined;
  }
  const expiresIn = successor.expires_at - now;
  if (expiresIn <= 0) return undefined;
  return {
    access_token: successor.access_token, token_type: 'Bearer', expires_in: expiresIn, ...(successor.scope !== '' ? { scope: successor.scope } : {}),
    refresh_token: successor.refresh_token,
    ...(typeof successor.id_token === 'string' ? { id_token: successor.id_token } : {}),
  };
}
