import type { Command } from 'commander';
import { accessTokenTtl, jwksMaxAge } from '../config.js';
import { noAudit, type AuditLog } from '../core/audit.js';
import { openCliAuditLog } from './cli-audit-log.js';
import { systemClock } from '../core/clock.js';
import { algsOf, DEFAULT_KEY_RELOAD_MS, defaultGraceSeconds, GRACE_MARGIN_SECONDS, generateSigningKey, keysOfAlg, RETIRE_MARGIN_SECONDS, signingKeyAt } from '../keys/key-ring.js';
import { sealJwk } from '../keys/sealed-jwk.js';
import { SIGNING_ALGS, type SigningAlg, type SigningKey } from '../store/types.js';
import { AdminError, print, withStore } from './admin-commands.js';

interface KeyOptions {
  db?: string;
  secretFile?: string;
  auditLog?: string;
}

interface RetireOptions extends KeyOptions {
  accessTokenTtl?: string;
  force?: boolean;
}

/**
 * Until when tokens signed by `key` may be accepted (RFC review L6): it signed until the first key
 * of its algorithm created after it began signing; a token signed then is valid for the
 * access-token lifetime, plus {@link RETIRE_MARGIN_SECONDS} (reload lag, clock tolerance).
 * Undefined when it never signed (a pending key rotated in, never reached).
 */
function tokensValidUntil(key: SigningKey, sameAlg: readonly SigningKey[], now: number, ttl: number): number | undefined {
  if (key.signsFrom > now) return undefined;
  const newer = (other: SigningKey) => other.createdAt > key.createdAt || (other.createdAt === key.createdAt && other.kid < key.kid);
  const starts = sameAlg.filter((other) => other.kid !== key.kid && newer(other) && other.signsFrom <= now).map((other) => other.signsFrom);
  if (starts.length === 0) return now + ttl + RETIRE_MARGIN_SECONDS;
  return Math.max(key.signsFrom, Math.min(...starts)) + ttl + RETIRE_MARGIN_SECONDS;
}

interface RotateOptions extends KeyOptions {
  grace?: string;
  now?: boolean;
  alg?: string;
  jwksMaxAge?: string;
}

/**
 * `--audit-log FILE|-` (or TESSERA_AUDIT_LOG): the key.rotated and key.retired events of these
 * commands go where the servers' events go; `-` is stderr here (stdout is the command's JSON). A
 * failed write fails the command (cli-audit-log.ts).
 */
async function withAudit(options: KeyOptions, work: (audit: AuditLog) => Promise<void>): Promise<void> {
  const target = options.auditLog ?? (process.env.TESSERA_AUDIT_LOG || undefined);
  const opened = target === undefined ? undefined : openCliAuditLog(target);
  try {
    await work(opened?.log ?? noAudit);
  } finally {
    opened?.close();
  }
}

/** The signing key of each algorithm at `now`, by kid. */
function signingKidsAt(active: readonly SigningKey[], now: number): Set<string> {
  return new Set(algsOf(active).map((alg) => signingKeyAt(keysOfAlg(active, alg), now)?.kid).filter((kid): kid is string => kid !== undefined));
}

/**
 * --alg: that algorithm only; without it, every algorithm. Not the servers' default algorithm
 * alone: resources may choose any algorithm, so after a leak rotating only the default could
 * leave a leaked key of another algorithm signing (RFC review M2).
 */
function rotatedAlgs(flag: string | undefined): readonly SigningAlg[] {
  if (flag === undefined) return SIGNING_ALGS;
  if (!(SIGNING_ALGS as readonly string[]).includes(flag)) throw new AdminError(`--alg must be one of ${SIGNING_ALGS.join(', ')}, got "${flag}".`);
  return [flag as SigningAlg];
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
 * `tessera keys list|rotate|retire`: the signing keys, per algorithm. These commands create no key
 * of their own accord (KeyRing.load at every server start does): `list` and `retire` only read or
 * retire, and `rotate` gives every algorithm (or --alg's) a new key anyway. Every active key is published
 * in the JWKS; of each algorithm, the newest whose grace period is over signs (the tokens of the
 * resources that chose it; the default algorithm's, those of the rest). Running servers read the keys again every few
 * seconds, so neither a rotation nor a retirement needs a restart. Routine: rotate (the new key is
 * published at once and signs after the grace period, once resource servers have fetched it),
 * and the servers retire the old key once the tokens it signed have expired (the access-token
 * lifetime; `retire --force` does it sooner). After a leak: rotate --now (every algorithm without
 * --alg), then retire --force the leaked key at once.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('list, rotate and retire the signing keys');
  const auditOption = '--audit-log <file>';
  const auditHelp = 'the key.rotated / key.retired audit event as a JSON line, appended to FILE (as for tessera serve; or TESSERA_AUDIT_LOG), or - for stderr; a failed write fails the command';
  keys.command('list').description('list the active signing keys, newest first; "signing" marks the one of each algorithm that signs now')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .action(async (options: KeyOptions) => {
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const now = systemClock.nowSeconds();
        const active = await store.keys.listActive();
        const signing = signingKidsAt(active, now);
        print(active.map((key) => ({
          kid: key.kid, alg: key.alg, created_at: key.createdAt, signs_from: key.signsFrom,
          signing: signing.has(key.kid), ...(key.signsFrom > now ? { pending: true } : {}),
        })));
      });
    });
  keys.command('rotate')
    .description('add a new signing key of every algorithm (or of --alg only), sealed with the server secret and published at once; running servers sign with it after the grace period')
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .option('--grace <seconds>', `seconds before the new key signs (default: the JWKS max-age plus ${GRACE_MARGIN_SECONDS})`)
    .option('--now', 'sign with the new key at once: the emergency path after a leak')
    .option('--alg <alg>', `rotate only this algorithm's key: ${SIGNING_ALGS.join(', ')} (default: every algorithm, each with the same --grace or --now)`)
    .option('--jwks-max-age <seconds>', 'the JWKS max-age the servers use, for the default grace (default 300, or TESSERA_JWKS_MAX_AGE)')
    .option(auditOption, auditHelp)
    .action(async (options: RotateOptions) => {
      const grace = graceSeconds(options);
      const algs = rotatedAlgs(options.alg);
      await withAudit(options, async (audit) => withStore({ db: options.db, secretFile: options.secretFile }, async (store, _hashing, secrets) => {
        const now = systemClock.nowSeconds();
        const active = await store.keys.listActive();
        const rotated: SigningKey[] = [];
        for (const alg of algs) {
          // At least one second after the newest of its algorithm, so that it is the newest even within the same second.
          const newest = keysOfAlg(active, alg)[0];
          const createdAt = Math.max(now, (newest?.createdAt ?? 0) + 1);
          // With no key of this algorithm yet, no resource server can have cached one: nothing to wait for.
          const fresh = await generateSigningKey(createdAt, { alg, signsFrom: newest ? now + grace : now });
          await store.keys.insert({ ...fresh, privateJwk: { ...sealJwk(fresh.privateJwk, fresh.kid, secrets) } });
          await audit.record({ event: 'key.rotated', kid: fresh.kid, alg: fresh.alg, reason: options.now ? 'rotate_now' : 'rotate' });
          rotated.push(fresh);
        }
        const pickup = `running servers read the keys every ${DEFAULT_KEY_RELOAD_MS / 1000} s`;
        const which = options.alg === undefined
          ? `Rotated every algorithm (${algs.join(', ')}); give --alg to rotate one only. `
          : `Rotated ${options.alg} only; the other algorithms' keys are left alone. `;
        const signsFrom = Math.max(...rotated.map((key) => key.signsFrom));
        const note = which + (options.now
          ? `Published and signing at once (${pickup}). Resource servers that cached the JWKS before this do not know the new keys: `
            + 'those that refetch on an unknown kid (tessera/resource does) accept their tokens after their refetch; others reject them until their cache expires (the JWKS max-age). '
            + 'After a leak, retire each old key now (tessera keys retire --force OLD_KID): its tokens stop being accepted as caches refresh.'
          : `Published at once (${pickup}); signs from ${new Date(signsFrom * 1000).toISOString()} (in ${signsFrom - now} s). `
            + 'The servers retire the old keys once the tokens they signed have expired (the access-token lifetime after that, plus 60 s).');
        const shown = rotated.map((key) => ({ kid: key.kid, alg: key.alg, created_at: key.createdAt, signs_from: key.signsFrom }));
        print(options.alg === undefined ? { keys: shown, note } : { ...shown[0], note });
      }));
    });
  // allowUnknownOption: a kid is a base64url thumbprint and may begin with '-' (even '--'); commander
  // would take it for an unknown option. Known options are still parsed wherever they stand, and
  // the unknown word becomes the <kid> argument (with a second word, commander refuses the excess).
  // Help stays on --help only, so that a kid beginning with "-h" is a kid.
  keys.command('retire <kid>').description('stop publishing a signing key (never the one that signs now for its algorithm, nor, without --force, one whose tokens may still be valid); a kid may begin with "-"')
    .helpOption('--help', 'display help for command')
    .allowUnknownOption()
    .option('--db <url>', 'database URL').option('--secret-file <path>', 'the server secret file, as for tessera serve')
    .option('--access-token-ttl <seconds>', 'the access-token lifetime the servers use (default 300, or TESSERA_ACCESS_TOKEN_TTL): tokens the key signed may be valid that long after its successor began signing')
    .option('--force', 'retire even though tokens the key signed may still be valid (after a leak)')
    .option(auditOption, auditHelp)
    .action(async (kid: string, options: RetireOptions) => {
      const ttl = accessTokenTtl(options.accessTokenTtl);
      await withAudit(options, async (audit) => withStore({ db: options.db, secretFile: options.secretFile }, async (store) => {
        const active = await store.keys.listActive();
        const key = active.find((candidate) => candidate.kid === kid);
        if (!key) throw new AdminError(`no active key "${kid}".`);
        const now = systemClock.nowSeconds();
        if (signingKidsAt(active, now).has(kid)) {
          throw new AdminError(`that key signs now for ${key.alg}; rotate first (tessera keys rotate --alg ${key.alg}), wait for the new key to sign, then retire it.`);
        }
        const validUntil = tokensValidUntil(key, keysOfAlg(active, key.alg), now, ttl);
        if (validUntil !== undefined && validUntil > now && !options.force) {
          throw new AdminError(`tokens that key signed may be valid until ${new Date(validUntil * 1000).toISOString()} (in ${validUntil - now} s: its successor's start, plus the access-token lifetime ${ttl} s, plus ${RETIRE_MARGIN_SECONDS} s); `
            + 'retiring it now makes APIs refuse them. The servers retire it by themselves then; give --force to retire it now (after a leak).');
        }
        if (await store.keys.deactivate(kid)) await audit.record({ event: 'key.retired', kid, alg: key.alg, reason: options.force ? 'retire_forced' : 'retire' });
        process.stdout.write(`retired key ${kid}; running servers stop publishing it within ${DEFAULT_KEY_RELOAD_MS / 1000} s\n`);
      }));
    });
}
