import type { AuditLog } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../core/random.js';
import type { SecretHashing } from '../core/secret-hash.js';
import type { PasswordSignIn } from '../interaction/password-sign-in.js';
import type { ServerSettings } from '../server/settings.js';
import type { IdTokenIssuer } from '../oidc/id-token.js';
import type { Client, CodeStore, OpenIdGrantStore, ResourceServerStore, TokenStore, UserStore } from '../store/types.js';
import type { TokenIssuer } from './token-issuer.js';

/**
 * A token request as the endpoint received it, after RFC 6749 §3.2 parsing: each parameter once,
 * `resource` possibly repeated (RFC 8707). Each grant turns it into its own typed request.
 */
export interface TokenEndpointRequest {
  readonly grantType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly resources: readonly string[];
  /** The caller's address, for throttling. */
  readonly remoteAddress: string;
  /** The HTTP request's id, for the audit log. */
  readonly requestId?: string | undefined;
}

/** RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** RFC 6749 §3.3: a scope value has at least one scope-token, so an empty scope is left out. */
  scope?: string;
  refresh_token?: string;
  /** OpenID Connect Core §3.1.3.3: for a grant whose scope has openid. */
  id_token?: string;
}

/**
 * Everything the server offers grant and response-type handlers. A handler declares the part it
 * uses in its own signature (`ctx: Pick<GrantContext, 'codes' | 'tokenIssuer'>`), so the compiler
 * keeps it to that.
 */
export interface GrantContext {
  readonly settings: ServerSettings;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly tokenIssuer: TokenIssuer;
  /** How tokens and codes are hashed at rest (keyed with the server secret). */
  readonly hashing: SecretHashing;
  readonly users: UserStore;
  readonly codes: CodeStore;
  readonly tokens: TokenStore;
  /** The registered APIs: what a token meant for one of them may carry. */
  readonly resourceServers: ResourceServerStore;
  readonly signIn: PasswordSignIn;
  /** OpenID Connect: what each OpenID grant's ID tokens need, and the issuer of those ID tokens. */
  readonly openIdGrants: OpenIdGrantStore;
  readonly idTokens: IdTokenIssuer;
  /** Security events (core/audit.ts); default: none recorded. */
  readonly audit?: AuditLog;
}

/**
 * Which clients may use a grant, checked by the token endpoint after it authenticated the client:
 * 'confidential' refuses public clients (RFC 6749 §4.4 for client_credentials).
 */
export type ClientAuthenticationPolicy = 'any' | 'confidential';

/** A grant type as its module defines it: its own typed request, parsed from the endpoint's. */
export interface GrantDefinition<R> {
  /** The grant_type value (RFC 6749 §4, or an extension URI). */
  readonly grantType: string;
  readonly clientAuthentication: ClientAuthenticationPolicy;
  /** Reads and checks the grant's own parameters; throws an OAuthError (invalid_request, ...). */
  parse(request: TokenEndpointRequest): R;
  handle(request: R, client: Client, ctx: GrantContext): Promise<TokenResponse>;
}

/** A registered grant: the token endpoint finds it by grant_type after authenticating the client. */
export interface TokenGrant {
  readonly grantType: string;
  readonly clientAuthentication: ClientAuthenticationPolicy;
  exchange(request: TokenEndpointRequest, client: Client, ctx: GrantContext): Promise<TokenResponse>;
}

/** Registers a grant: its parsed request type stays private to it. */
export function defineGrant<R>(definition: GrantDefinition<R>): TokenGrant {
  return {
    grantType: definition.grantType,
    clientAuthentication: definition.clientAuthentication,
    exchange: (request, client, ctx) => definition.handle(definition.parse(request), client, ctx),
  };
}
