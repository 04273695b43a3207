import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { ServerSecrets } from '../core/server-secrets.js';
import type { KeyStore, SigningKey } from '../store/types.js';
import { isSealed, openJwk, sealJwk } from './sealed-jwk.js';

export interface PublicJwks {
  keys: Record<string, unknown>[];
}

/** Creates a new ES256 signing key; its kid is the RFC 7638 thumbprint. */
export async function generateSigningKey(now: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: 'ES256',
    privateJwk: { ...privateJwk, kid, alg: 'ES256' },
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
    createdAt: now,
    active: true,
  };
}

/**
 * The server's signing keys: the newest active key signs, every active key is published.
 * Loaded once at start; a key is generated and stored on the first start of a new database.
 */
export class KeyRing {
  private constructor(
    readonly signingKid: string,
    readonly signingKey: KeyObject,
    readonly jwks: PublicJwks,
    /** Keys an earlier version stored in the clear, sealed at this load: they may have been copied. */
    readonly sealedFromPlain: readonly string[],
  ) {}

  /**
   * Private keys are stored sealed with the server secret (keys/sealed-jwk.ts); a key stored in
   * the clear by an earlier version, or sealed under an older secret, is resealed under the current one.
   */
  static async load(keys: KeyStore, now: number, secrets: ServerSecrets): Promise<KeyRing> {
    let active = await keys.listActive();
    if (active.length === 0) {
      const fresh = await generateSigningKey(now);
      active = await keys.insertIfNone({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } });
    }
    const newest = active[0];
    if (!newest) throw new Error('No signing key could be loaded or created.');
    const sealedFromPlain: string[] = [];
    const privateJwks = await Promise.all(active.map(async (key) => {
      if (!isSealed(key.privateJwk)) {
        sealedFromPlain.push(key.kid);
        await keys.replacePrivateJwk(key.kid, key.privateJwk, { ...sealJwk(key.privateJwk, key.kid, secrets) });
        return key.privateJwk;
      }
      const opened = openJwk(key.privateJwk, key.kid, secrets);
      if (!opened.current) await keys.replacePrivateJwk(key.kid, key.privateJwk, { ...sealJwk(opened.jwk, key.kid, secrets) });
      return opened.jwk;
    }));
    const signingKey = createPrivateKey({ key: privateJwks[0] as JsonWebKey, format: 'jwk' });
    // Only the public members are served: RFC 7517 §4 "d" must never leave the server.
    const published = active.map(({ publicJwk }) => {
      const { d: _d, ...rest } = publicJwk as Record<string, unknown> & { d?: unknown };
      return rest;
    });
    return new KeyRing(newest.kid, signingKey, { keys: published }, sealedFromPlain);
  }
}
