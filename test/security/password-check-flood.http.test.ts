import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// From the final red team of issue 10: wrong passwords from many addresses, each within its own
// throttle budget, queued so much argon2id work that a real user's sign-in waited for minutes.
// Checks beyond a bounded queue are refused at once (503, Retry-After: 1) and count for nothing.

const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['password'], scope: 'read' };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [APP], users: [{ username: 'alice', password: 'alice-password' }], flags: { trustProxy: '127.0.0.1' } });
});
afterAll(async () => server?.close());

const attempt = (username: string, password: string, address: string) => postForm(`${server.issuer}/token`,
  new URLSearchParams({ grant_type: 'password', username, password }).toString(), { authorization: basic('app', 'app-secret'), 'x-forwarded-for': address });

describe('a flood of password checks from many addresses', () => {
  it('is answered quickly, the overflow with 503, and the real user signs in right after', async () => {
    const started = Date.now();
    const flood = await Promise.all(Array.from({ length: 300 }, (_, i) => attempt(`nobody-${i}`, 'wrong', `10.9.${Math.floor(i / 15)}.${i % 15}`)));
    const elapsed = Date.now() - started;
    expect(flood.filter((r) => r.status >= 500 && r.status !== 503)).toHaveLength(0);
    const busy = flood.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((r) => r.json.error === 'temporarily_unavailable' && r.headers.get('retry-after') === '1')).toBe(true);
    // Bounded work: far less than 300 argon2id checks one after another.
    expect(elapsed).toBeLessThan(20_000);
    const real = await attempt('alice', 'alice-password', '10.99.0.1');
    expect(real.status).toBe(200);
  }, 60_000);
});
