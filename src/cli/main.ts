#!/usr/bin/env node
import { registerRegistrationTokenCommands } from './registration-token-commands.js';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type ConfigFlags } from '../config.js';
import { InvalidClientMetadata } from '../core/client-metadata.js';
import { InvalidResourceMetadata } from '../core/resource-metadata.js';
import { WrongServerSecret } from '../keys/sealed-jwk.js';
import { InsecureDatabaseFile } from '../store/sqlite/private-files.js';
import { UnusableDatabaseFile } from '../store/sqlite/database-check.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import { CorruptStoreRow } from '../store/rows.js';
import { AdminError, registerClientCommands, registerUserCommands } from './admin-commands.js';
import { DEMO_DEFAULTS, demo, type DemoFlags } from './demo.js';
import { addDemoOptions, addServeOptions } from './server-options.js';
import { registerKeyCommands } from './key-commands.js';
import { registerDbCommands } from './db-commands.js';
import { registerResourceCommands } from './resource-commands.js';
import { serve } from './serve.js';
import { packageVersion } from './package-version.js';

const program = new Command('tessera')
  .description('Tessera: an OAuth 2 authorization server, resource-server toolkit and flow playground.\nEvery server flag can also be set as TESSERA_<FLAG>, e.g. TESSERA_DB, TESSERA_PORT.')
  .version(packageVersion(), '-V, --version', 'print the version of tessera')
  .showHelpAfterError()
  .exitOverride();

addServeOptions(program.command('serve').description('run the authorization server'))
  .action(async (flags: ConfigFlags) => serve(loadConfig(flags)));
// The demo's own flags and defaults: --help shows what `tessera demo` does, and none it would refuse.
addDemoOptions(program.command('demo').description('run the authorization server, a demo Resource Server and the flow playground Client'),
  { ...DEMO_DEFAULTS, audience: ': the demo Resource Server' })
  .option('--resource-port <port>', 'port of the demo Resource Server (default 9001)')
  .option('--client-port <port>', 'port of the flow playground Client (default 9002)')
  .action(async (flags: DemoFlags) => demo(flags));
registerClientCommands(program);
registerUserCommands(program);
registerResourceCommands(program);
registerKeyCommands(program);
registerDbCommands(program);
registerRegistrationTokenCommands(program);

/** Configuration mistakes end in one line that says what to fix, never a stack trace. */
function fail(message: string): never {
  process.stderr.write(`tessera: ${message}\n`);
  process.exit(2);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof InvalidClientMetadata || error instanceof InvalidResourceMetadata || error instanceof AdminError
    || error instanceof CorruptStoreRow || error instanceof InsecureDatabaseFile || error instanceof WrongServerSecret || error instanceof UnusableDatabaseFile) {
    fail(error.message);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail('the port is already in use; choose another with --port (and, for a second server of its own, another --db: one started on the same database applies its --seed there too).');
  if (code === 'EACCES') fail('permission denied; choose a port above 1024 or check the database path.');
  if (code === 'SQLITE_CANTOPEN' || code === 'ENOENT') fail(`cannot open the database: ${(error as Error).message}`);
  if (code === 'ECONNREFUSED') fail('cannot connect to the database; check the --db URL and that the server runs.');
  if (isDatabaseUnavailable(error)) fail(`the database did not answer (${(error as Error).message}); check that it runs and is reachable.`);
  fail(`unexpected error: ${(error as Error).message}`);
}
