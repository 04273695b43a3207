import { availableParallelism } from 'node:os';

/**
 * A bound on argon2id work in this process. Each check costs 64 MiB and tens of milliseconds of
 * a thread; without a bound, a crowd of wrong passwords from many addresses (each within its own
 * throttle budget) queues so much work that a real user's sign-in waits for minutes. Past the
 * queue's length a check is refused at once (503, try again in a second), never counted as a
 * failure, and the queue drains in a fraction of a second.
 */
export class PasswordCheckGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly maxRunning = Math.max(2, availableParallelism()),
    private readonly maxQueued = 8 * Math.max(2, availableParallelism()),
  ) {}

  /** A release function once the check may run, or undefined when the queue is full. */
  async enter(): Promise<(() => void) | undefined> {
    if (this.running >= this.maxRunning) {
      if (this.queue.length >= this.maxQueued) return undefined;
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The slot passes straight to the next in line; otherwise it is freed.
      if (next) next();
      else this.running -= 1;
    };
  }
}
