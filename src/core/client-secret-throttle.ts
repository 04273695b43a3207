import type { ThrottleStore } from '../store/types.js';
import type { Clock } from './clock.js';
import { addressBucket } from './login-throttle.js';
import { legacySha256 } from './secret-hash.js';

/**
 * RFC 6749 §2.3.1: an endpoint that takes client passwords MUST be protected against brute
 * force. Failed client authentications are counted per address and per (client_id, address), in
 * the store so every instance shares them; over either limit, the address gets 429 until the
 * window ends, whatever it sends, so a right secret found then is not confirmed. A generated
 * secret has 256 bits and needs none of this; a person-chosen one does.
 *
 * Unlike the sign-in throttle, nothing is written on the way in: the token endpoint is the hot
 * path, and the right secret must cost reads only. Parallel guesses may pass the limit by the
 * number in flight, which bounds them still.
 */
export const CLIENT_SECRET_THROTTLE = {
  windowSeconds: 15 * 60,
  maxFailuresPerAddress: 100,
  maxFailuresPerClientAndAddress: 10,
} as const;

/** An admitted authentication: it counts as in flight until released, and as a failure if it failed. */
export interface ClientSecretTicket {
  failed(): Promise<void>;
  release(): void;
}

export type ClientSecretAdmission = { retryAfter: 0; ticket: ClientSecretTicket } | { retryAfter: number; ticket?: undefined };

/** One counter's state in this process. */
interface LocalCounter {
  inFlight: number;
  failures: number;
  windowEnd: number;
  waiting: (() => void)[];
}

/** Local counters kept at most (the oldest go first; the store still holds their failures). */
const MAX_LOCAL_COUNTERS = 50_000;

export class ClientSecretThrottle {
  /**
   * This process's view of each counter: checks in flight, and failures counted the moment they
   * happen (the store's copy is written after, and read by every instance). Checks beyond what is
   * left of a counter's budget wait for those in flight, so that a burst of parallel guesses (which
   * PostgreSQL would read in parallel, before any failure is written) is taken in turns and stops
   * at the limit, while a busy client's parallel right secrets only wait microseconds.
   */
  private readonly local = new Map<string, LocalCounter>();

  constructor(private readonly store: ThrottleStore, private readonly clock: Clock) {}

  private keys(clientId: string, ip: string): { address: string; client: string } {
    const bucket = addressBucket(ip);
    return { address: `client-ip:${bucket}`, client: `client:${legacySha256(clientId)}:${bucket}` };
  }

  private counter(key: string, now: number): LocalCounter {
    let counter = this.local.get(key);
    if (counter && counter.windowEnd <= now && counter.inFlight === 0 && counter.waiting.length === 0) {
      this.local.delete(key);
      counter = undefined;
    }
    if (!counter) {
      if (this.local.size >= MAX_LOCAL_COUNTERS) {
        for (const [oldKey, old] of this.local) {
          if (old.inFlight === 0 && old.waiting.length === 0) { this.local.delete(oldKey); break; }
        }
      }
      counter = { inFlight: 0, failures: 0, windowEnd: now + CLIENT_SECRET_THROTTLE.windowSeconds, waiting: [] };
      this.local.set(key, counter);
    }
    return counter;
  }

  /** Admits a check of a secret, or says after how many seconds the address may try again. */
  async admit(clientId: string, ip: string): Promise<ClientSecretAdmission> {
    const keys = this.keys(clientId, ip);
    const limits = [[keys.address, CLIENT_SECRET_THROTTLE.maxFailuresPerAddress], [keys.client, CLIENT_SECRET_THROTTLE.maxFailuresPerClientAndAddress]] as const;
    const now = this.clock.nowSeconds();
    // Both counters in one statement: this runs on every token request that carries a secret.
    // It stays a read of the shared store on every request: another instance's failures are known
    // nowhere else, and skipping it until some signal arrived would let each instance admit a full
    // budget of guesses before it learned of the others' (docs/SECURITY.md).
    const stored = (await this.store.getMany(limits.map(([key]) => key))).map((state) => {
      const end = state === undefined ? 0 : state.windowStart + CLIENT_SECRET_THROTTLE.windowSeconds;
      return { failures: state !== undefined && end > now ? state.failures : 0, end };
    });
    for (;;) {
      const at = this.clock.nowSeconds();
      const counters = limits.map(([key]) => this.counter(key, at));
      let full: LocalCounter | undefined;
      for (const [index, [, limit]] of limits.entries()) {
        const counter = counters[index] as LocalCounter;
        const known = stored[index] as { failures: number; end: number };
        const failures = Math.max(known.failures, counter.failures);
        if (failures >= limit) return { retryAfter: Math.max(1, Math.max(known.end, counter.windowEnd) - at) };
        if (counter.inFlight >= limit - failures) full = counter;
      }
      if (full) {
        // Wait for a check in flight to end, then look again: it may have been a failure.
        await new Promise<void>((resolve) => full.waiting.push(resolve));
        continue;
      }
      for (const counter of counters) counter.inFlight += 1;
      return { retryAfter: 0, ticket: this.ticket(counters, [keys.address, keys.client]) };
    }
  }

  private ticket(counters: LocalCounter[], keys: string[]): ClientSecretTicket {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const counter of counters) {
        counter.inFlight -= 1;
        // Every waiter looks again: one may be admitted, others refused, none left waiting.
        for (const wake of counter.waiting.splice(0)) wake();
      }
    };
    return {
      failed: async () => {
        // Counted here at once, before the store write, so that waiting checks see it.
        for (const counter of counters) counter.failures += 1;
        release();
        const at = this.clock.nowSeconds();
        for (const key of keys) await this.store.recordFailure(key, at, CLIENT_SECRET_THROTTLE.windowSeconds);
      },
      release,
    };
  }
}
