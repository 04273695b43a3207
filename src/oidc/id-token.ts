import type { Clock } from '../core/clock.js';
import { signJwt } from '../keys/jws.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { ServerSettings } from '../server/settings.js';
import { SIGNING_ALGS, type Client, type OpenIdGrantRecord, type SigningAlg, type User } from '../store/types.js';
import { selectClaims } from './claims-selection.js';
import { tokenHash } from './token-hash.js';

/** OpenID Connect Core §15.1: every OP MUST support RS256; it is the default of clients that name none. */
export const DEFAULT_ID_TOKEN_ALG: SigningAlg = 'RS256';

/** The algorithms ID tokens may be signed with (a client's id_token_signed_response_alg), the default first. */
export const ID_TOKEN_ALGS: readonly SigningAlg[] = [DEFAULT_ID_TOKEN_ALG, ...SIGNING_ALGS.filter((alg) => alg !== DEFAULT_ID_TOKEN_ALG)];

export interface IdTokenInput {
  client: Client;
  user: User;
  grant: OpenIdGrantRecord;
  /** The access token issued with it, whose at_hash the ID token carries (Core §3.1.3.6). */
  accessToken: string;
  /** Core §12.2: an ID token of a refresh carries no nonce; one of the code exchange echoes it. */
  withNonce: boolean;
}

/** The names of the claims an ID token carries itself (the `claims` parameter's id_token member). */
export function idTokenClaimNames(grant: Pick<OpenIdGrantRecord, 'claimsRequest'>): string[] {
  const requested = grant.claimsRequest?.id_token;
  return typeof requested === 'object' && requested !== null ? Object.keys(requested).filter((name) => name !== 'sub' && name !== 'auth_time') : [];
}

/**
 * Mints OpenID Connect ID tokens (Core §2, §3.1.3.3) for the code flow: signed (never "none")
 * with the client's id_token_signed_response_alg, RS256 by default, by the key ring's current key
 * of that algorithm. `sub` is the user's id (public subject identifiers, Core §8). Scope claims
 * (profile, email, ...) go to UserInfo, not here, since an access token is issued (Core §5.4);
 * only claims asked for in the `claims` parameter's id_token member are added (Core §5.5).
 */
export class IdTokenIssuer {
  constructor(
    private readonly settings: Pick<ServerSettings, 'issuer' | 'accessTokenTtl'>,
    private readonly keys: Pick<KeyRing, 'signer'>,
    private readonly clock: Clock,
  ) {}

  issue(input: IdTokenInput): string {
    const now = this.clock.nowSeconds();
    const signer = this.keys.signer(now, input.client.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_ALG);
    const { grant } = input;
    const payload: Record<string, unknown> = {
      ...selectClaims(input.user.claims, idTokenClaimNames(grant)),
      // Core §2: iss, sub, aud (the client_id), exp, iat are REQUIRED.
      iss: this.settings.issuer,
      sub: input.user.id,
      // One audience, the client itself, so azp (Core §2: needed only when aud differs from the
      // authorized party) is left out; Core §12.2 then forbids it on refresh too.
      aud: input.client.clientId,
      // As long as the access token it comes with: the RP validates it at once (Core §3.1.3.7).
      exp: now + this.settings.accessTokenTtl,
      iat: now,
      // Core §2 auth_time: when the user authenticated; on refresh the original time (Core §12.2).
      auth_time: grant.authTime,
      // Core §3.1.3.6: at_hash of the access token issued with it.
      at_hash: tokenHash(input.accessToken, signer.alg),
      ...(grant.amr.length > 0 ? { amr: grant.amr } : {}),
      ...(grant.sid !== null ? { sid: grant.sid } : {}),
      // Core §3.1.2.1 / §2: the nonce of the authorization request, passed through unmodified.
      ...(input.withNonce && grant.nonce !== null ? { nonce: grant.nonce } : {}),
    };
    return signJwt({ typ: 'JWT' }, payload, signer);
  }
}
