import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { PublicJwks } from '../keys/key-ring.js';
import { ID_TOKEN_ALGS } from './id-token.js';

/**
 * Reads an `id_token_hint` (OpenID Connect Core §3.1.2.1): an ID token this server issued to some
 * client, possibly expired, that names the user the client expects. Its signature is checked
 * against the published keys and its `iss` against this issuer; its expiry and audience are not
 * (the Core: the OP "need not be listed as an audience", and a hint is typically old). A token of
 * another kind signed with the same keys (an RFC 9068 access token, typ at+jwt) is not a hint.
 */
export class IdTokenHints {
  constructor(private readonly issuer: string, private readonly keys: { readonly jwks: PublicJwks }) {}

  /** The hint's `sub`, or undefined when it is not an ID token of this server (forged, foreign, unknown key). */
  async subject(hint: string): Promise<string | undefined> {
    try {
      // ID tokens are minted with typ "JWT" (oidc/id-token.ts); access tokens carry at+jwt.
      if (decodeProtectedHeader(hint).typ !== 'JWT') return undefined;
      const keySet = createLocalJWKSet(this.keys.jwks as unknown as JSONWebKeySet);
      const { payload } = await compactVerify(hint, keySet, { algorithms: [...ID_TOKEN_ALGS] });
      const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (typeof claims !== 'object' || claims === null) return undefined;
      const { iss, sub, aud } = claims as Record<string, unknown>;
      // Core §2: an ID token has iss, sub and aud; iss must be this server's.
      if (iss !== this.issuer || typeof sub !== 'string' || sub === '' || aud === undefined) return undefined;
      return sub;
    } catch {
      return undefined;
    }
  }
}
