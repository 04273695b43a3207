/**
 * `@tessera/resource` (re-exported by the server package as `tessera/resource`): protect an API
 * with the access tokens of a Tessera (or any RFC 8414 / RFC 9068 / RFC 7662) authorization
 * server. {@link createBearerVerifier} does the work; the Fastify plugin and the Express-style
 * middleware are thin adapters over it. Signatures are checked with node:crypto; its only
 * dependency is jose, for the JWK types.
 *
 * @packageDocumentation
 */
export {
  createBearerVerifier, verifyBearer,
  type AsymmetricAlgorithm, type BearerVerifier, type BearerVerifierOptions,
} from './verify.js';
export { BearerError, type BearerErrorBody, type BearerErrorCode, type BearerErrorStatus } from './bearer-error.js';
export type { AccessTokenClaims } from './claims.js';
export type { IntrospectionCredentials } from './introspection.js';
export {
  fastifyBearerAuth, fastifyProtectedResourceMetadata, type FastifyBearerAuthOptions, type RequireTokenHandler,
} from './fastify.js';
export {
  protectedResourceMetadataHandler, requireToken,
  type BearerMiddleware, type BearerRequest, type BearerResponse, type MetadataMiddleware, type MetadataRequest, type NextFunction,
} from './express.js';
export {
  PROTECTED_RESOURCE_METADATA_SUFFIX, protectedResourceMetadata, protectedResourceMetadataPath,
  type ProtectedResourceMetadata, type ProtectedResourceMetadataDocument, type ProtectedResourceMetadataOptions,
  type ProtectedResourceMetadataSource,
} from './protected-resource-metadata.js';
