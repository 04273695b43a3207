/** The public API of `tessera`: build the server, and the types a user needs to configure it. */
export { buildServer, type ServerOptions } from './server/app.js';
export { loadConfig, ConfigError, type Config, type ConfigFlags, type DatabaseConfig } from './config.js';
export { openStore } from './store/open-store.js';
export { clientFromMetadata, type ClientMetadata } from './core/client-metadata.js';
export { OAuthError } from './core/errors.js';
export type { Clock } from './core/clock.js';
export type { RandomSource } from './core/random.js';
export type { Client, Store, User } from './store/types.js';
export type { TokenGrant, TokenRequest, TokenResponse, GrantContext } from './grants/types.js';
