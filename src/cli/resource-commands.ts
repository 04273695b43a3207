import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { resourceServerFromMetadata, resourceServerToMetadata } from '../core/resource-metadata.js';
import type { Store } from '../store/types.js';
import { AdminError, print, withStore } from './admin-commands.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface ResourceCreateOptions {
  db?: string;
  scope?: string;
  introspectionClient?: string[];
  signingAlg?: string;
}

const SIGNING_ALG_HELP = 'ES256, RS256 or EdDSA: the algorithm its access tokens are signed with (default: the server\'s --signing-alg)';

/** Registered clients among `clientIds` that do not exist (yet): a typo would otherwise fail silently. */
async function unknownClients(store: Store, clientIds: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const clientId of clientIds) if (!(await store.clients.get(clientId))) missing.push(clientId);
  return missing;
}

function noteUnknown(clientIds: readonly string[]): void {
  // Not an error: the client may be registered next.
  for (const clientId of clientIds) process.stderr.write(`tessera: note: no client "${clientId}" is registered yet.\n`);
}

/**
 * `tessera resource create|update|list|delete`: the APIs tokens are issued for. A registered
 * resource bounds the scope of its tokens, names the clients that may introspect them (RFC 7662
 * §4) and may choose the algorithm its tokens are signed with: running servers create a key of a
 * newly chosen algorithm at the first token that needs it (grants/token-issuer.ts).
 */
export function registerResourceCommands(program: Command): void {
  const resource = program.command('resource').description('register the APIs (resource servers) tokens are issued for');
  resource.command('create <resource>')
    .description('register an API by its RFC 8707 resource indicator, the `aud` of its tokens (e.g. https://api.example.com)')
    .option('--db <url>', 'database: sqlite:PATH or postgres://...')
    .option('--scope <scopes>', 'space-separated scopes its tokens may carry (default: no bound beyond each client\'s scope)')
    .option('--introspection-client <client_id>', 'a client that may introspect its tokens, such as the API itself (repeat for several)', collect)
    .option('--signing-alg <alg>', SIGNING_ALG_HELP)
    .action(async (identifier: string, options: ResourceCreateOptions) => {
      const record = resourceServerFromMetadata(JSON.parse(JSON.stringify({
        resource: identifier, scope: options.scope, introspection_clients: options.introspectionClient, signing_alg: options.signingAlg,
      })) as unknown, systemClock.nowSeconds());
      const unknown = await withStore({ db: options.db }, async (store) => {
        if (await store.resources.get(record.resource)) throw new AdminError(`resource "${record.resource}" already exists.`);
        await store.resources.upsert(record);
        return unknownClients(store, record.introspectionClients);
      });
      noteUnknown(unknown);
      print(resourceServerToMetadata(record));
    });
  resource.command('update <resource>')
    .description('change a registered API: what is given replaces what was registered, the rest stays')
    .option('--db <url>', 'database: sqlite:PATH or postgres://...')
    .option('--scope <scopes>', 'space-separated scopes its tokens may carry ("" for no bound)')
    .option('--introspection-client <client_id>', 'the clients that may introspect its tokens (repeat for several; replaces the list)', collect)
    .option('--signing-alg <alg>', `${SIGNING_ALG_HELP}; "default" goes back to it`)
    .action(async (identifier: string, options: ResourceCreateOptions) => {
      const { record, unknown } = await withStore({ db: options.db }, async (store) => {
        const existing = await store.resources.get(identifier);
        if (!existing) throw new AdminError(`no resource "${identifier}".`);
        const current = resourceServerToMetadata(existing);
        const signingAlg = options.signingAlg === undefined ? current.signing_alg : options.signingAlg === 'default' ? undefined : options.signingAlg;
        const updated = resourceServerFromMetadata(JSON.parse(JSON.stringify({
          resource: existing.resource,
          scope: options.scope ?? current.scope,
          introspection_clients: options.introspectionClient ?? existing.introspectionClients,
          signing_alg: signingAlg,
        })) as unknown, existing.createdAt);
        await store.resources.upsert(updated);
        return { record: updated, unknown: options.introspectionClient ? await unknownClients(store, updated.introspectionClients) : [] };
      });
      noteUnknown(unknown);
      print(resourceServerToMetadata(record));
    });
  resource.command('list').description('list registered APIs').option('--db <url>', 'database URL')
    .action(async (options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => print((await store.resources.list()).map(resourceServerToMetadata)));
    });
  resource.command('delete <resource>').description('delete a registered API; then only the client a token was issued to can introspect it')
    .option('--db <url>', 'database URL')
    .action(async (identifier: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        if (!(await store.resources.delete(identifier))) throw new AdminError(`no resource "${identifier}".`);
        process.stdout.write(`deleted resource ${identifier}\n`);
      });
    });
}
