import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { generateSigningKey } from '../keys/key-ring.js';
import { sealJwk } from '../keys/sealed-jwk.js';
import { AdminError, print, withStore } from './admin-commands.js';

interface KeyOptions {
  db?: string;
  secretFile?: string;
}

/**
 * `tessera keys list|rotate|retire`: the signing keys. The newest active key signs and every
 * active key is published in the JWKS; servers load them at start. This is the manual path (for
 * a key that may have leaked, say): rotate, restart the servers, then retire the old key once the
 * tokens it signed have expired (the access-token lifetime).
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('list, rotate and retire the signing keys');
  keys.command('list').description('list the active signing keys, the signing one first')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const active = await store.keys.listActive();
        print(active.map((key, index) => ({ kid: key.kid, alg: key.alg, created_at: key.createdAt, signing: index === 0 })));
      });
    });
  keys.command('rotate')
    .description('add a new signing key, sealed with the server secret; servers sign with it after their next start, and keep publishing the old one')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store, _hashing, secrets) => {
        const now = systemClock.nowSeconds();
        // One second after the newest, so that it sorts first even within the same second.
        const newest = (await store.keys.listActive())[0];
        const fresh = await generateSigningKey(Math.max(now, (newest?.createdAt ?? 0) + 1));
        await store.keys.insert({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } });
        print({ kid: fresh.kid, alg: fresh.alg, note: 'restart the servers to sign with it; retire the old key once its tokens have expired' });
      });
    });
  keys.command('retire <kid>').description('stop publishing a signing key (never the only one, nor the signing one)')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (kid: string, options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const active = await store.keys.listActive();
        if (!active.some((key) => key.kid === kid)) throw new AdminError(`no active key "${kid}".`);
        if (active[0]?.kid === kid) throw new AdminError('that key signs; rotate first, restart the servers, then retire it.');
        await store.keys.deactivate(kid);
        process.stdout.write(`retired key ${kid}\n`);
      });
    });
}
