import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { bearerToken, ClientUseRecorder, epochDay } from '../../src/core/dynamic-registration.js';

describe('ClientUseRecorder', () => {
  it('writes at most once per client per day, whatever the number of token requests', async () => {
    const clock = new ManualClock(86_400 * 20_000 + 10);
    const touches: [string, number][] = [];
    const recorder = new ClientUseRecorder({ touch: async (clientId, day) => { touches.push([clientId, day]); } }, clock);
    for (let i = 0; i < 1_000; i += 1) recorder.used('a');
    recorder.used('b');
    clock.advance(3_600);
    recorder.used('a');
    expect(touches).toEqual([['a', 20_000], ['b', 20_000]]);
    clock.advance(86_400);
    recorder.used('a');
    recorder.used('a');
    expect(touches).toEqual([['a', 20_000], ['b', 20_000], ['a', 20_001]]);
  });

  it('tries again after a failed write, and reports it', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let fail = true;
    let calls = 0;
    const recorder = new ClientUseRecorder({
      touch: async () => { calls += 1; if (fail) throw new Error('database down'); },
    }, clock, (error) => errors.push(error));
    recorder.used('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    fail = false;
    recorder.used('a');
    recorder.used('a');
    expect(calls).toBe(2);
  });
});

describe('bearerToken and epochDay', () => {
  it('reads an RFC 6750 Bearer credential and nothing else', () => {
    expect(bearerToken('Bearer tsr_rat_abc-_.~+/=')).toBe('tsr_rat_abc-_.~+/=');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
  it('counts whole days since the epoch', () => {
    expect(epochDay(0)).toBe(0);
    expect(epochDay(86_399)).toBe(0);
    expect(epochDay(86_400)).toBe(1);
  });
});
