import type { Clock } from '../core/clock.js';
import { epochDay } from '../core/dynamic-registration.js';
import { THROTTLE } from '../core/login-throttle.js';
import { DEFAULT_SETTINGS } from './settings.js';
import type { Store } from '../store/types.js';
import type { ServerSettings } from './settings.js';

export interface ExpiryPurgeOptions {
  clock: Clock;
  /** How long after start the first purge runs, in milliseconds (default 2 seconds). */
  firstDelayMs?: number;
  /** How often to purge after that, in milliseconds (default 5 minutes). */
  intervalMs?: number;
  /**
   * The longest access-token lifetime any server on this database issues, in seconds: the deny
   * list's family and cut-off rows are kept that long (plus a day). Default: the longest the
   * configuration allows (365 days), which is right for any setting.
   */
  accessTokenTtl?: number;
  /**
   * Self-registered clients (RFC 7591) unused for this many days are deleted with their grants
   * (--dynamic-registration-idle-days; default DEFAULT_SETTINGS' 30).
   */
  registrationIdleDays?: number;
  /** Told when a purge fails; the next one tries again. */
  onError?: (error: unknown) => void;
}

/** The longest access-token lifetime the configuration accepts (config.ts --access-token-ttl). */
export const MAX_ACCESS_TOKEN_TTL = 365 * 86_400;

/**
 * The purge `tessera serve` runs: it keeps the deny list's family and cut-off rows for this
 * server's access-token lifetime (plus a day), not the 366 days of the default. Every instance on
 * one database must then issue access tokens no longer-lived than this one's (docs/OPERATIONS.md):
 * a family row must outlive every access token of its family, whoever minted it.
 */
export function servePurgeOptions(settings: Pick<ServerSettings, 'accessTokenTtl'>, clock: Clock, onError?: (error: unknown) => void): ExpiryPurgeOptions {
  return { clock, accessTokenTtl: settings.accessTokenTtl, ...(onError ? { onError } : {}) };
}

/** What the running purge offers: one purge now (tests, shutdown), and stopping it. */
export interface ExpiryPurge {
  purgeNow(): Promise<void>;
  stop(): void;
}

/**
 * Deletes expired tokens, deny-list rows, codes, sessions and ended throttle windows now and then, so the tables do
 * not grow without bound: first soon after start (a server restarted now and then would otherwise
 * never purge), then every few minutes. `tessera serve` runs one per process; a library user who
 * calls buildServer runs it too.
 */
export function startExpiryPurge(store: Store, options: ExpiryPurgeOptions): ExpiryPurge {
  let running: Promise<void> | undefined;
  const purgeNow = async () => {
    const now = options.clock.nowSeconds();
    try {
      // Tokens are kept a day past expiry so that a late replay is still recognised as one.
      await store.tokens.purgeExpired(now - 86_400);
      // A rotation's sealed successor tokens are deleted once their retry window has closed.
      await store.tokens.purgeSealedSuccessors(now);
      // The deny list: a revoked access token's row once it has expired; a revoked family's or a
      // cut-off's once every access token it ends has expired (docs/SECURITY.md).
      await store.denials.purge(now, now - (options.accessTokenTtl ?? MAX_ACCESS_TOKEN_TTL) - 86_400);
      await store.codes.purgeExpired(now - 3_600);
      await store.sessions.purgeExpired(now);
      await store.openIdGrants.purgeExpired(now);
      await store.assertionJtis.purgeExpired(now);
      await store.throttle.purgeEnded(now, THROTTLE.windowSeconds);
      // Bounded growth of self-registered clients: a registration unused (no code redeemed, no
      // refresh) for the idle period goes, whoever made it. Use is recorded once a day per client.
      await store.registrations.purgeIdle(epochDay(now) - (options.registrationIdleDays ?? DEFAULT_SETTINGS.dynamicRegistration.idleDays), now);
    } catch (error) {
      options.onError?.(error);
    }
  };
  // One purge at a time: a slow one (a flood to delete) is not joined by the next.
  const scheduled = () => {
    running ??= purgeNow().finally(() => { running = undefined; });
  };
  const first = setTimeout(scheduled, options.firstDelayMs ?? 2_000);
  const timer = setInterval(scheduled, options.intervalMs ?? 5 * 60 * 1000);
  first.unref();
  timer.unref();
  return {
    purgeNow,
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
