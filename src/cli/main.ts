#!/usr/bin/env node
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
import { demo, type DemoFlags } from './demo.js';
import { registerKeyCommands } from './key-commands.js';
import { registerDbCommands } from './db-commands.js';
import { registerResourceCommands } from './resource-commands.js';
import { serve } from './serve.js';
import { packageVersion } from './package-version.js';

function serverOptions(command: Command): Command {
  return command
    .option('--port <port>', 'port to listen on (default 9000)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--issuer <url>', 'issuer identifier (default http://HOST:PORT)')
    .option('--db <url>', 'database: sqlite:PATH or postgres://... (default sqlite:./data/tessera.db)')
    .option('--seed <file>', 'JSON {"clients": [...], "users": [...], "resources": [...]} applied at every start')
    .option('--access-token-ttl <seconds>', 'access token lifetime (default 300)')
    .option('--refresh-token-ttl <seconds>', 'refresh token lifetime (default 1209600)')
    .option('--refresh-retry-window <seconds>', 'a client retrying a refresh within this gets the same new tokens (default 30, 0: never)')
    .option('--audience <aud>', 'audience of access tokens when neither the request nor the client names a resource (default: the issuer)')
    .option('--workers <n>', 'processes sharing the port (default 1)')
    .option('--db-timeout <seconds>', 'PostgreSQL: bound on connecting and on each statement; past it a request gets 503 (default 5)')
    .option('--client-cache-refresh <ms>', 'how often each process checks whether clients or resource servers changed elsewhere (default 2000, at most 5000)')
    .option('--shutdown-timeout <seconds>', 'on SIGTERM/SIGINT, how long requests in flight may take before connections are closed (default 10)')
    .option('--code-ttl <seconds>', 'authorization code lifetime (default 60, at most 600)')
    .option('--pkce-required <who>', '"public" (default): PKCE required of public clients; "all": of every client')
    .option('--session-ttl <seconds>', 'signed-in browser session lifetime (default 28800)')
    .option('--trust-proxy <addresses>', 'comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--log-requests <bool>', 'one log line per request at info (default true)')
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://METRICS_HOST:PORT/metrics (default: off)')
    .option('--metrics-host <host>', 'address of the metrics listener (default 127.0.0.1)')
    .option('--audit-log <file>', 'security audit events as JSON lines, appended to FILE, or - for stdout (default: off)')
    .option('--secret-file <path>', 'server secret(s), one per line, the first current (default: generated beside a SQLite database; or TESSERA_SECRET)')
    .option('--jwks-max-age <seconds>', 'Cache-Control max-age of the JWKS; tessera keys rotate waits this plus a margin by default (default 300)')
    .option('--key-rotation-interval <duration>', 'add a new signing key of each algorithm when its newest is this old, e.g. 30d (default off)')
    .option('--signing-alg <alg>', 'ES256, RS256 or EdDSA: the algorithm of access tokens for resources that choose none (default ES256)');
}

const program = new Command('tessera')
  .description('Tessera: an OAuth 2 authorization server, resource-server toolkit and flow playground.\nEvery server flag can also be set as TESSERA_<FLAG>, e.g. TESSERA_DB, TESSERA_PORT.')
  .version(packageVersion(), '-V, --version', 'print the version of tessera')
  .showHelpAfterError()
  .exitOverride();

serverOptions(program.command('serve').description('run the authorization server'))
  .action(async (flags: ConfigFlags) => serve(loadConfig(flags)));
serverOptions(program.command('demo').description('run the authorization server, a demo Resource Server and the flow playground Client\n(demo defaults: --db sqlite:./data/demo.db, --access-token-ttl 60, --log-level warn)'))
  .option('--resource-port <port>', 'port of the demo Resource Server (default 9001)')
  .option('--client-port <port>', 'port of the flow playground Client (default 9002)')
  .action(async (flags: DemoFlags) => demo(flags));
registerClientCommands(program);
registerUserCommands(program);
registerResourceCommands(program);
registerKeyCommands(program);
registerDbCommands(program);

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
