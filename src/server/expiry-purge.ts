import type { Clock } from '../core/clock.js';
import type { Store } from '../store/types.js';

export interface ExpiryPurgeOptions {
  clock: Clock;
  /** How often to purge, in milliseconds (default 10 minutes). */
  intervalMs?: number;
  /** Told when a purge fails; the next one tries again. */
  onError?: (error: unknown) => void;
}

/** What the running purge offers: one purge now (tests, shutdown), and stopping it. */
export interface ExpiryPurge {
  purgeNow(): Promise<void>;
  stop(): void;
}

/**
 * Deletes expired tokens, codes and sessions now and then, so the tables do not grow without
 * bound. `tessera serve` runs one per process; a library user who calls buildServer runs it too.
 */
export function startExpiryPurge(store: Store, options: ExpiryPurgeOptions): ExpiryPurge {
  const purgeNow = async () => {
    const now = options.clock.nowSeconds();
    try {
      // Tokens are kept a day past expiry so that a late replay is still recognised as one.
      await store.tokens.purgeExpired(now - 86_400);
      // A rotation's sealed successor tokens are deleted once their retry window has closed.
      await store.tokens.purgeSealedSuccessors(now);
      await store.codes.purgeExpired(now - 3_600);
      await store.sessions.purgeExpired(now);
    } catch (error) {
      options.onError?.(error);
    }
  };
  const timer = setInterval(() => void purgeNow(), options.intervalMs ?? 10 * 60 * 1000);
  timer.unref();
  return { purgeNow, stop: () => clearInterval(timer) };
}
