import { describe, expect, it } from 'vitest';
import { PasswordCheckGate } from '../../src/core/password-check-gate.js';

describe('PasswordCheckGate', () => {
  it('runs at most maxRunning, queues at most maxQueued, refuses the rest at once', async () => {
    const gate = new PasswordCheckGate(2, 3);
    const running = [await gate.enter(), await gate.enter()];
    expect(running.every((leave) => typeof leave === 'function')).toBe(true);
    const queued = [gate.enter(), gate.enter(), gate.enter()];
    expect(await gate.enter()).toBeUndefined();
    running[0]?.();
    const first = await queued[0];
    expect(typeof first).toBe('function');
    first?.();
    running[1]?.();
    const rest = await Promise.all(queued.slice(1));
    for (const leave of rest) leave?.();
    // Everything released: two may run again at once.
    const again = [await gate.enter(), await gate.enter()];
    expect(again.every((leave) => typeof leave === 'function')).toBe(true);
  });
});
