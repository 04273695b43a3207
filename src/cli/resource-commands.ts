import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { resourceServerFromMetadata, resourceServerToMetadata } from '../core/resource-metadata.js';
import { AdminError, print, withStore } from './admin-commands.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface ResourceCreateOptions {
  db?: string;
  scope?: string;
  introspectionClient?: string[];
}

/**
 * `tessera resource create|list|delete`: the APIs tokens are issued for. A registered resource
 * bounds the scope of its tokens and names the clients that may introspect them (RFC 7662 §4).
 */
export function registerResourceCommands(program: Command): void {
  const resource = program.command('resource').description('register the APIs (resource servers) tokens are issued for');
  resource.command('create <resource>')
    .description('register an API by its RFC 8707 resource indicator, the `aud` of its tokens (e.g. https://api.example.com)')
    .option('--db <url>', 'database: sqlite:PATH or postgres://...')
    .option('--scope <scopes>', 'space-separated scopes its tokens may carry (default: no bound beyond each client\'s scope)')
    .option('--introspection-client <client_id>', 'a client that may introspect its tokens, such as the API itself (repeat for several)', collect)
    .action(async (identifier: string, options: ResourceCreateOptions) => {
      const record = resourceServerFromMetadata(JSON.parse(JSON.stringify({
        resource: identifier, scope: options.scope, introspection_clients: options.introspectionClient,
      })) as unknown, systemClock.nowSeconds());
      const unknown = await withStore({ db: options.db }, async (store) => {
        if (await store.resources.get(record.resource)) throw new AdminError(`resource "${record.resource}" already exists.`);
        await store.resources.upsert(record);
        const missing: string[] = [];
        for (const clientId of record.introspectionClients) if (!(await store.clients.get(clientId))) missing.push(clientId);
        return missing;
      });
      // Not an error: the client may be registered next. A typo would otherwise fail silently.
      for (const clientId of unknown) process.stderr.write(`tessera: note: no client "${clientId}" is registered yet.\n`);
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
