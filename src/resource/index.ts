/**
 * `tessera/resource`: the resource-server toolkit, which lives in its own package
 * `@tessera/resource` (packages/resource) so that an API that only verifies tokens installs neither
 * the server nor its native modules. It verifies signatures with node:crypto; its one dependency,
 * jose, is there for its types (JWTPayload, JSONWebKeySet). Re-exported here so that
 * `import ... from 'tessera/resource'` keeps working.
 *
 * @packageDocumentation
 */
export * from '@tessera/resource';
