import type { Command } from 'commander';
import { jwksMaxAge } from '../config.js';
import { systemClock } from '../core/clock.js';
import { DEFAULT_KEY_RELOAD_MS, defaultGraceSeconds, GRACE_MARGIN_SECONDS, generateSigningKey, signingKeyAt } from '../keys/key-ring.js';
import { sealJwk } from '../keys/sealed-jwk.js';
import { SIGNING_ALGS, type SigningAlg, type SigningKey } from '../store/types.js';
import { AdminError, print, withStore } from './admin-commands.js';

interface KeyOptions {
  db?: string;
  secretFile?: string;
}

interface RotateOptions extends KeyOptions {
  grace?: string;
  now?: boolean;
  alg?: string;
  jwksMaxAge?: string;
}

/**
 * The key of each algorithm that signs at `now`: access tokens use one algorithm and OpenID
 * Connect ID tokens others (RS256, EdDSA), so each algorithm has its own current key.
 */
function signingKids(active: readonly SigningKey[], now: number): Set<string> {
  const kids = new Set<string>();
  for (const alg of new Set(active.map((key) => key.alg))) {
    const signing = signingKeyAt(active.filter((key) => key.alg === alg), now);
    if (signing) kids.add(signing.kid);
  }
  return kids;
}

function graceSeconds(options: RotateOptions): number {
  if (options.now) {
    if (options.grace !== undefined) throw new AdminError('give either --now or --grace, not both.');
    return 0;
  }
  const maxAge = jwksMaxAge(options.jwksMaxAge);
  if (options.grace === undefined) return defaultGraceSeconds(maxAge);
  if (!/^\d+$/.test(options.grace) || Number(options.grace) > 30 * 86_400) {
    throw new AdminError(`--grace must be a whole number of seconds, at most 30 days, got "${options.grace}".`);
  }
  return Number(options.grace);
}

/**
 * `tessera keys list|rotate|retire`: the signing keys. Every active key is published in the JWKS;
 * the newest whose grace period is over signs. Running servers read the keys again every few
 * seconds, so neither a rotation nor a retirement needs a restart. Routine: rotate (the new key is
 * published at once and signs after the grace period, once resource servers have fetched it),
 * and the servers retire the old key once the tokens it signed have expired (the access-token
 * lifetime; `retire` does it sooner). After a leak: rotate --now, then retire the leaked key at once.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('list, rotate and retire the signing keys');
  keys.command('list').description('list the active signing keys, newest first; "signing" marks the one of each algorithm that signs now')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const now = systemClock.nowSeconds();
        const active = await store.keys.listActive();
        const signing = signingKids(active, now);
        print(active.map((key) => ({
          kid: key.kid, alg: key.alg, created_at: key.createdAt, signs_from: key.signsFrom,
          signing: signing.has(key.kid), ...(key.signsFrom > now ? { pending: true } : {}),
        })));
      });
    });
  keys.command('rotate')
    .description('add a new signing key, sealed with the server secret and published at once; running servers sign with it after the grace period')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .option('--grace <seconds>', `seconds before the new key signs (default: the JWKS max-age plus ${GRACE_MARGIN_SECONDS})`)
    .option('--now', 'sign with the new key at once: the emergency path after a leak')
    .option('--alg <alg>', `${SIGNING_ALGS.join(', ')} (default ES256)`)
    .option('--jwks-max-age <seconds>', 'the JWKS max-age the servers use, for the default grace (default 300, or TESSERA_JWKS_MAX_AGE)')
    .action(async (options: RotateOptions) => {
      const grace = graceSeconds(options);
      const alg = (options.alg ?? 'ES256') as SigningAlg;
      if (!(SIGNING_ALGS as readonly string[]).includes(alg)) throw new AdminError(`--alg must be one of ${SIGNING_ALGS.join(', ')}, got "${options.alg}".`);
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store, _hashing, secrets) => {
        const now = systemClock.nowSeconds();
        // At least one second after the newest, so that it is the newest even within the same second.
        const newest = (await store.keys.listActive()).find((key) => key.alg === alg);
        const createdAt = Math.max(now, (newest?.createdAt ?? 0) + 1);
        // With no key yet, no resource server can have cached one: nothing to wait for.
        const fresh = await generateSigningKey(createdAt, { alg, signsFrom: newest ? now + grace : now });
        await store.keys.insert({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } });
        const pickup = `running servers read the keys every ${DEFAULT_KEY_RELOAD_MS / 1000} s`;
        const note = options.now
          ? `published and signing at once (${pickup}). Resource servers that cached the JWKS before this do not know the new key: `
            + 'those that refetch on an unknown kid (tessera/resource does) accept its tokens after their refetch; others reject them until their cache expires (the JWKS max-age). '
            + 'After a leak, retire the old key now (tessera keys retire OLD_KID): its tokens stop being accepted as caches refresh.'
          : `published at once (${pickup}); signs from ${new Date(fresh.signsFrom * 1000).toISOString()} (in ${fresh.signsFrom - now} s). `
            + 'The servers retire the old key once the tokens it signed have expired (the access-token lifetime after that, plus 60 s).';
        print({ kid: fresh.kid, alg: fresh.alg, created_at: fresh.createdAt, signs_from: fresh.signsFrom, note });
      });
    });
  keys.command('retire <kid>').description('stop publishing a signing key (never the one that signs now)')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (kid: string, options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const active = await store.keys.listActive();
        if (!active.some((key) => key.kid === kid)) throw new AdminError(`no active key "${kid}".`);
        if (signingKids(active, systemClock.nowSeconds()).has(kid)) {
          throw new AdminError('that key signs now; rotate first (tessera keys rotate), wait for the new key to sign, then retire it.');
        }
        await store.keys.deactivate(kid);
        process.stdout.write(`retired key ${kid}; running servers stop publishing it within ${DEFAULT_KEY_RELOAD_MS / 1000} s\n`);
      });
    });
}
