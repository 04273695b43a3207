import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../core/random.js';
import type { Client, Store } from '../store/types.js';
import type { TokenIssuer } from './token-issuer.js';

/** A token request after parsing: each parameter once (RFC 6749 §3.2), `resource` possibly repeated (RFC 8707). */
export interface TokenRequest {
  readonly grantType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly resources: readonly string[];
  /** The caller's address, for throttling. */
  readonly remoteAddress: string;
}

/** RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export interface GrantContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly tokens: TokenIssuer;
}

/** A grant type: the token endpoint finds it by grant_type after authenticating the client. */
export interface TokenGrant {
  readonly grantType: string;
  handle(request: TokenRequest, client: Client, ctx: GrantContext): Promise<TokenResponse>;
}
