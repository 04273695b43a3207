import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { createInitialAccessToken } from '../core/initial-access-token.js';
import { cryptoRandom } from '../core/random.js';
import type { InitialAccessToken } from '../store/types.js';
import { AdminError, print, withStore } from './admin-commands.js';

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new AdminError(`${flag} must be a whole number between ${min} and ${max}.`);
  return Number(value);
}

/** An initial access token as listed: never its hash. */
function shown(token: InitialAccessToken): Record<string, unknown> {
  return { id: token.id, created_at: token.createdAt, expires_at: token.expiresAt, max_uses: token.maxUses, uses: token.uses };
}

/**
 * `tessera registration-token create|list|revoke`: RFC 7591 §3 initial access tokens for
 * `--dynamic-registration token`. The token is printed once; only its keyed hash is stored, so the
 * server secret must be the servers' (--secret-file, as for tessera serve).
 */
export function registerRegistrationTokenCommands(program: Command): void {
  const command = program.command('registration-token').description('initial access tokens for --dynamic-registration token (RFC 7591)');
  command.command('create')
    .description('create an initial access token, printed once')
    .option('--db <url>', 'database URL')
    .option('--secret-file <path>', 'the server secret file, as for tessera serve (the token is hashed with it)')
    .option('--expires-in <seconds>', 'refused after this many seconds (default: never)')
    .option('--max-uses <n>', 'refused after this many registrations (default: any number)')
    .action(async (options: { db?: string; secretFile?: string; expiresIn?: string; maxUses?: string }) => {
      const expiresIn = wholeNumber('--expires-in', options.expiresIn, 1, 10 * 365 * 86_400);
      const maxUses = wholeNumber('--max-uses', options.maxUses, 1, 1_000_000_000);
      const created = await withStore({ db: options.db, secretFile: options.secretFile }, async (store, hashing) =>
        createInitialAccessToken(store.registrations, hashing.tokens, cryptoRandom, systemClock.nowSeconds(), { expiresIn, maxUses }));
      print({ ...shown(created.record), initial_access_token: created.token });
    });
  command.command('list').description('list initial access tokens (never the tokens themselves)').option('--db <url>', 'database URL')
    .action(async (options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => print((await store.registrations.listInitialTokens()).map(shown)));
    });
  command.command('revoke <id>').description('revoke an initial access token by its id').option('--db <url>', 'database URL')
    .action(async (id: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        if (!await store.registrations.revokeInitialToken(id)) throw new AdminError(`no initial access token "${id}".`);
      });
      print({ revoked: id });
    });
}
