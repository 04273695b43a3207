import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { LoginThrottle, THROTTLE } from '../../src/core/login-throttle.js';
import type { Store, ThrottleLimit } from '../../src/store/types.js';

/**
 * The throttle's contract (src/store/types.ts ThrottleStore), run against every backend: counters
 * that parallel requests on every instance share, reservations that cannot be outrun, and a purge
 * that leaves no ended window behind. Times lie beyond 2^32 seconds, as in conformance.ts.
 */
const NOW = 4_102_444_800;
const LIMIT: ThrottleLimit = { limit: 3, windowSeconds: 60, leaseSeconds: 10 };

export function throttleConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: throttle conformance`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    describe('failure counters', () => {
      it('is undefined for a key without failures', async () => {
        expect(await store.throttle.get('user:erin')).toBeUndefined();
      });

      it('counts failures within the window and starts a new window once it has passed', async () => {
        expect(await store.throttle.recordFailure('user:erin', NOW, 60)).toEqual({ failures: 1, pending: 0, windowStart: NOW });
        expect(await store.throttle.recordFailure('user:erin', NOW + 30, 60)).toEqual({ failures: 2, pending: 0, windowStart: NOW });
        expect(await store.throttle.recordFailure('user:erin', NOW + 59, 60)).toEqual({ failures: 3, pending: 0, windowStart: NOW });
        expect(await store.throttle.get('user:erin')).toEqual({ failures: 3, pending: 0, windowStart: NOW });
        expect(await store.throttle.recordFailure('user:erin', NOW + 60, 60)).toEqual({ failures: 1, pending: 0, windowStart: NOW + 60 });
      });

      it('keeps keys apart, and reset forgets one key', async () => {
        await store.throttle.recordFailure('user:erin', NOW, 60);
        await store.throttle.recordFailure('ip:127.0.0.1', NOW, 60);
        await store.throttle.recordFailure('ip:127.0.0.1', NOW, 60);
        await store.throttle.reset('user:erin');
        await store.throttle.reset('never-seen');
        expect(await store.throttle.get('user:erin')).toBeUndefined();
        expect(await store.throttle.get('ip:127.0.0.1')).toEqual({ failures: 2, pending: 0, windowStart: NOW });
      });

      it('reads several counters at once, in the order asked, undefined where none', async () => {
        await store.throttle.recordFailure('ip:192.0.2.1', NOW, 60);
        await store.throttle.recordFailure('client:x:192.0.2.1', NOW + 1, 60);
        await store.throttle.recordFailure('client:x:192.0.2.1', NOW + 2, 60);
        expect(await store.throttle.getMany(['client:x:192.0.2.1', 'never-seen', 'ip:192.0.2.1'])).toEqual([
          { failures: 2, pending: 0, windowStart: NOW + 1 }, undefined, { failures: 1, pending: 0, windowStart: NOW },
        ]);
        expect(await store.throttle.getMany([])).toEqual([]);
      });

      it('counts every one of 20 concurrent failures', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.throttle.recordFailure('user:erin', NOW, 60)));
        expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await store.throttle.get('user:erin')).toEqual({ failures: 20, pending: 0, windowStart: NOW });
      });
    });

    describe('reservations', () => {
      it('reserves while failures and attempts in flight stay under the limit; a refusal writes nothing', async () => {
        for (let i = 0; i < 3; i++) expect(await store.throttle.reserve('ip:a', LIMIT, NOW)).toEqual({ reserved: true });
        expect(await store.throttle.reserve('ip:a', LIMIT, NOW + 1)).toEqual({ reserved: false, state: { failures: 0, pending: 3, windowStart: NOW } });
        expect(await store.throttle.get('ip:a')).toEqual({ failures: 0, pending: 3, windowStart: NOW });
      });

      it('fail turns a reservation into a failure; at the limit of failures the counter refuses until the window ends', async () => {
        for (let i = 0; i < 3; i++) {
          expect((await store.throttle.reserve('ip:b', LIMIT, NOW)).reserved).toBe(true);
          await store.throttle.fail('ip:b');
        }
        expect(await store.throttle.get('ip:b')).toEqual({ failures: 3, pending: 0, windowStart: NOW });
        expect(await store.throttle.reserve('ip:b', LIMIT, NOW + 59)).toEqual({ reserved: false, state: { failures: 3, pending: 0, windowStart: NOW } });
        // A window that ended starts over.
        expect(await store.throttle.reserve('ip:b', LIMIT, NOW + 60)).toEqual({ reserved: true });
        expect(await store.throttle.get('ip:b')).toEqual({ failures: 0, pending: 1, windowStart: NOW + 60 });
      });

      it('release takes a reservation back and deletes a counter left empty; forgive clears the failures too', async () => {
        await store.throttle.reserve('ip:c', LIMIT, NOW);
        await store.throttle.release('ip:c', false);
        expect(await store.throttle.get('ip:c')).toBeUndefined();

        await store.throttle.reserve('pair:c', LIMIT, NOW);
        await store.throttle.fail('pair:c');
        await store.throttle.reserve('pair:c', LIMIT, NOW);
        await store.throttle.reserve('pair:c', LIMIT, NOW);
        await store.throttle.release('pair:c', false);
        expect(await store.throttle.get('pair:c')).toEqual({ failures: 1, pending: 1, windowStart: NOW });
        await store.throttle.release('pair:c', false);
        expect(await store.throttle.get('pair:c')).toEqual({ failures: 1, pending: 0, windowStart: NOW });
        await store.throttle.reserve('pair:c', LIMIT, NOW);
        await store.throttle.release('pair:c', true);
        expect(await store.throttle.get('pair:c')).toBeUndefined();

        await store.throttle.release('never-seen', true);
        await store.throttle.fail('never-seen');
        expect(await store.throttle.get('never-seen')).toBeUndefined();
      });

      it('a reservation whose lease ended no longer counts (a request that never ended)', async () => {
        for (let i = 0; i < 3; i++) await store.throttle.reserve('ip:d', LIMIT, NOW);
        expect((await store.throttle.reserve('ip:d', LIMIT, NOW + 9)).reserved).toBe(false);
        expect(await store.throttle.reserve('ip:d', LIMIT, NOW + 10)).toEqual({ reserved: true });
        expect(await store.throttle.get('ip:d')).toEqual({ failures: 0, pending: 1, windowStart: NOW });
      });

      it('of 20 concurrent reservations, exactly the limit is made', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.throttle.reserve('ip:e', LIMIT, NOW)));
        expect(results.filter((r) => r.reserved)).toHaveLength(3);
        expect(await store.throttle.get('ip:e')).toEqual({ failures: 0, pending: 3, windowStart: NOW });
      });

      it('50 concurrent guessers that reserve, fail and retry record exactly the limit of failures', async () => {
        const guesser = async () => {
          for (;;) {
            const reservation = await store.throttle.reserve('ip:f', LIMIT, NOW);
            if (reservation.reserved) {
              await store.throttle.fail('ip:f');
              continue;
            }
            if (reservation.state.failures >= LIMIT.limit) return;
          }
        };
        await Promise.all(Array.from({ length: 50 }, guesser));
        expect(await store.throttle.get('ip:f')).toEqual({ failures: 3, pending: 0, windowStart: NOW });
      });
    });

    describe('purge', () => {
      it('deletes the counters whose window ended, and keeps current ones and live reservations', async () => {
        await store.throttle.recordFailure('ended', NOW - 120, 60);
        await store.throttle.recordFailure('ended-just', NOW - 60, 60);
        await store.throttle.recordFailure('current', NOW - 59, 60);
        await store.throttle.reserve('in-flight', { ...LIMIT, leaseSeconds: 200 }, NOW - 100);
        expect(await store.throttle.purgeEnded(NOW, 60)).toBe(2);
        for (const key of ['ended', 'ended-just']) expect(await store.throttle.get(key)).toBeUndefined();
        expect((await store.throttle.get('current'))?.failures).toBe(1);
        expect((await store.throttle.get('in-flight'))?.pending).toBe(1);
        expect(await store.throttle.purgeEnded(NOW + 100, 60)).toBe(2);
      });

      it('deletes a flood of ended windows in full', async () => {
        await Promise.all(Array.from({ length: 4_500 }, (_, i) => store.throttle.recordFailure(`flood-${i}`, NOW - 3_600, 60)));
        await store.throttle.recordFailure('current', NOW, 60);
        expect(await store.throttle.purgeEnded(NOW, 60)).toBe(4_500);
        expect(await store.throttle.get('current')).toBeDefined();
      });
    });

    describe('the sign-in throttle on this store', () => {
      const waits: number[] = [];
      const throttle = (clock = new ManualClock(NOW)) => new LoginThrottle(store.throttle, clock, async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 1));
      });
      beforeEach(() => { waits.length = 0; });

      it('admits at most the per-(user, address) limit of 20 parallel wrong guesses', async () => {
        const t = throttle();
        const admitted = await Promise.all(Array.from({ length: 20 }, async () => {
          const admission = await t.admit('frank', '203.0.113.1');
          if (admission.admitted) await t.failed(admission.attempt);
          return admission.admitted;
        }));
        expect(admitted.filter(Boolean)).toHaveLength(THROTTLE.maxFailuresPerUserAndAddress);
        const keys = LoginThrottle.keys('frank', '203.0.113.1');
        expect((await store.throttle.get(keys.userAtAddress))?.failures).toBe(THROTTLE.maxFailuresPerUserAndAddress);
        expect((await store.throttle.get(keys.user))?.failures).toBe(THROTTLE.maxFailuresPerUserAndAddress);
      });

      it('admits all of 16 parallel right passwords, taking turns, and counts none of them', async () => {
        const t = throttle();
        const admitted = await Promise.all(Array.from({ length: 16 }, async () => {
          const admission = await t.admit('grace', '192.0.2.1');
          if (admission.admitted) await t.succeeded(admission.attempt);
          return admission.admitted;
        }));
        expect(admitted.every(Boolean)).toBe(true);
        const keys = LoginThrottle.keys('grace', '192.0.2.1');
        for (const key of Object.values(keys)) expect(await store.throttle.get(key)).toBeUndefined();
      });

      it('touches no per-user counter from a blocked address', async () => {
        const t = throttle();
        for (let i = 0; i < THROTTLE.maxFailuresPerAddress; i++) {
          const admission = await t.admit(`user-${i}`, '203.0.113.9');
          if (!admission.admitted) throw new Error('admitted expected');
          await t.failed(admission.attempt);
        }
        const refused = await t.admit('new-name', '203.0.113.9');
        expect(refused).toEqual({ admitted: false, retryAfterSeconds: THROTTLE.windowSeconds });
        const keys = LoginThrottle.keys('new-name', '203.0.113.9');
        expect(await store.throttle.get(keys.userAtAddress)).toBeUndefined();
        expect(await store.throttle.get(keys.user)).toBeUndefined();
      });

      it('waits its turn less and less often, gives up after maxWaitMs, and is let in once abandoned reservations lapse', async () => {
        const clock = new ManualClock(NOW);
        const t = throttle(clock);
        const keys = LoginThrottle.keys('ivan', '192.0.2.5');
        // Reservations of requests that never ended (a process that died).
        const limit = { limit: THROTTLE.maxFailuresPerUserAndAddress, windowSeconds: THROTTLE.windowSeconds, leaseSeconds: THROTTLE.leaseSeconds };
        for (let i = 0; i < THROTTLE.maxFailuresPerUserAndAddress; i++) await store.throttle.reserve(keys.userAtAddress, limit, NOW);
        expect(await t.admit('ivan', '192.0.2.5')).toEqual({ admitted: false, retryAfterSeconds: 1 });
        expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(THROTTLE.maxWaitMs);
        expect(waits.length).toBeLessThan(30);
        expect(waits.at(-1)).toBeGreaterThan(waits[0] as number);
        // The address's reservation was taken back each time: nothing leaked there.
        expect(await store.throttle.get(keys.address)).toBeUndefined();
        clock.advance(THROTTLE.leaseSeconds);
        expect((await t.admit('ivan', '192.0.2.5')).admitted).toBe(true);
      });

      it('slows a user failing from many addresses down, and never refuses them at a new address', async () => {
        const t = throttle();
        for (let a = 0; a < 6; a++) {
          for (let i = 0; i < THROTTLE.maxFailuresPerUserAndAddress; i++) {
            const admission = await t.admit('heidi', `198.51.100.${a}`);
            if (!admission.admitted) throw new Error('admitted expected');
            await t.failed(admission.attempt);
          }
        }
        waits.length = 0;
        const admission = await t.admit('heidi', '192.0.2.77');
        expect(admission.admitted).toBe(true);
        expect(waits).toEqual([THROTTLE.firstDelayMs * 4]);
      });
    });
  });
}
