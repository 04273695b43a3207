import type { ResourceServerStore, SigningAlg } from '../store/types.js';
import type { KeyRing, Signer } from './key-ring.js';

/** What the token issuer asks for: the key that signs an access token meant for `audience`. */
export interface AccessTokenSigners {
  signerFor(audience: string, now: number): Promise<Signer>;
}

/**
 * The signer of an access token: of the algorithm its audience's registered resource chose
 * (ResourceServer.signingAlg), else of the server's default (`signingAlg`). RFC 9068 §2.1: JWT
 * access tokens MUST be signed (asymmetric cryptography RECOMMENDED), and authorization and
 * resource servers MUST include RS256 among the algorithms they support; so an API whose library
 * knows RS256 only can always be served, by registering it with RS256. The JWT's `alg` header says
 * which algorithm (RFC 7515 §4.1.1), and the JWKS publishes every algorithm's keys.
 *
 * The resource is read at each token, not cached: a resource registered or changed with `tessera
 * resource` while servers run gets its algorithm from its first token on. A key of an algorithm no
 * resource had chosen before is created here, at the first token that needs it (KeyRing.
 * ensureSigningAlgs: atomic, so of several servers one inserts it), rather than at the next
 * reload: waiting for a reload would fail or mis-sign the tokens of the seconds in between.
 */
export class ResourceSigners implements AccessTokenSigners {
  constructor(
    private readonly keys: Pick<KeyRing, 'signer' | 'has' | 'ensureSigningAlgs'>,
    private readonly resources: Pick<ResourceServerStore, 'get'>,
  ) {}

  async signerFor(audience: string, now: number): Promise<Signer> {
    const alg: SigningAlg | undefined = (await this.resources.get(audience))?.signingAlg;
    if (alg === undefined) return this.keys.signer(now);
    if (!this.keys.has(alg)) await this.keys.ensureSigningAlgs([alg], now);
    return this.keys.signer(now, alg);
  }
}
