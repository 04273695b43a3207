/** The public API of `tessera`: build the server, and the types a user needs to configure and extend it. */
export { buildServer, type ServerOptions } from './server/app.js';
export { serverSettings, validateIssuer, InvalidSettings, DEFAULT_SETTINGS, type ServerSettings, type LogLevel } from './server/settings.js';
export { startExpiryPurge, type ExpiryPurge, type ExpiryPurgeOptions } from './server/expiry-purge.js';
export { loadConfig, ConfigError, type Config, type ConfigFlags, type DatabaseConfig } from './config.js';
export { openStore } from './store/open-store.js';
export { clientFromMetadata, InvalidClientMetadata, type ClientMetadata } from './core/client-metadata.js';
export { resourceServerFromMetadata, InvalidResourceMetadata, type ResourceServerMetadata } from './core/resource-metadata.js';
export * from './core/errors.js';
export type { Clock } from './core/clock.js';
export type { RandomSource } from './core/random.js';
export type { Client, ResourceServer, Store, User } from './store/types.js';
export { defaultRegistry, type ProtocolRegistry } from './registry.js';
export {
  defaultGrants, defineGrant,
  type ClientAuthenticationPolicy, type GrantContext, type GrantDefinition, type TokenEndpointRequest, type TokenGrant, type TokenResponse,
} from './grants/index.js';
export { TokenIssuer, type IssueInput, type MintedTokens } from './grants/token-issuer.js';
export {
  defaultResponseTypes, defineResponseType,
  type AuthorizationRequest, type ConsentedGrant, type ResponseTypeDefinition, type ResponseTypeHandler,
} from './authorize/index.js';
export type { PasswordSignIn, SignInResult } from './interaction/password-sign-in.js';
