/**
 * `tessera/resource`: the resource-server toolkit, which lives in its own package
 * `@tessera/resource` (packages/resource, runtime dependency jose only) so that an API that only
 * verifies tokens installs neither the server nor its native modules. Re-exported here so that
 * `import ... from 'tessera/resource'` keeps working.
 *
 * @packageDocumentation
 */
export * from '@tessera/resource';
