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

export class ClientSecretThrottle {
  constructor(private readonly store: ThrottleStore, private readonly clock: Clock) {}

  private keys(clientId: string, ip: string): { address: string; client: string } {
    const bucket = addressBucket(ip);
    return { address: `client-ip:${bucket}`, client: `client:${legacySha256(clientId)}:${bucket}` };
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  async retryAfter(clientId: string, ip: string): Promise<number> {
    const now = this.clock.nowSeconds();
    const keys = this.keys(clientId, ip);
    const limits = [[keys.address, CLIENT_SECRET_THROTTLE.maxFailuresPerAddress], [keys.client, CLIENT_SECRET_THROTTLE.maxFailuresPerClientAndAddress]] as const;
    for (const [key, limit] of limits) {
      const state = await this.store.get(key);
      const end = state === undefined ? 0 : state.windowStart + CLIENT_SECRET_THROTTLE.windowSeconds;
      if (state !== undefined && end > now && state.failures >= limit) return Math.max(1, end - now);
    }
    return 0;
  }

  async failed(clientId: string, ip: string): Promise<void> {
    const now = this.clock.nowSeconds();
    const keys = this.keys(clientId, ip);
    await this.store.recordFailure(keys.address, now, CLIENT_SECRET_THROTTLE.windowSeconds);
    await this.store.recordFailure(keys.client, now, CLIENT_SECRET_THROTTLE.windowSeconds);
  }
}
