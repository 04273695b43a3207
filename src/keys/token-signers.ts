import { TemporarilyUnavailable } from '../core/errors.js';
import type { ResourceServerStore, SigningAlg } from '../store/types.js';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store/unavailable.js';
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
 * resource` while servers run gets its algorithm from its first token on, signed with a key of that
 * algorithm that KeyRing.load stored (every algorithm gets one at every start) and the JWKS has
 * published since, so resource servers and the other instances know it already. Nothing is written
 * here: a key created at the first token would sign before anyone could have fetched it. Should
 * the ring hold no key of the algorithm (retired behind its back), the token waits: 503
 * temporarily_unavailable until a reload or restart brings one, never a 500.
 */
export class ResourceSigners implements AccessTokenSigners {
  constructor(
    private readonly keys: Pick<KeyRing, 'signer' | 'has' | 'defaultAlg'>,
    private readonly resources: Pick<ResourceServerStore, 'get'>,
  ) {}

  async signerFor(audience: string, now: number): Promise<Signer> {
    const alg: SigningAlg | undefined = (await this.resources.get(audience))?.signingAlg;
    const chosen = alg ?? this.keys.defaultAlg;
    if (!this.keys.has(chosen)) throw new TemporarilyUnavailable('No signing key of the algorithm this resource uses is loaded; retry later.', UNAVAILABLE_RETRY_AFTER_SECONDS);
    return this.keys.signer(now, chosen);
  }
}
