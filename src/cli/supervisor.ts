import cluster, { type Worker } from 'node:cluster';
import type { LogLevel } from '../server/settings.js';

/** Deaths within this window that make the primary give up (a crash loop, not an accident). */
export const CRASH_LOOP = { deaths: 5, windowMs: 30_000 } as const;

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** The primary's log lines: JSON in pino's shape, like the workers' (it runs no Fastify of its own). */
export function primaryLogger(level: LogLevel): (levelName: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void {
  const threshold = LEVELS[level] ?? 30;
  return (levelName, fields, msg) => {
    const value = LEVELS[levelName] ?? 30;
    if (value < threshold) return;
    process.stdout.write(`${JSON.stringify({ level: value, time: Date.now(), pid: process.pid, role: 'primary', ...fields, msg })}\n`);
  };
}

/** Back-off before replacing a dead worker: 0.5 s, 1 s, 2 s, ... for deaths close together, at most 8 s. */
export function replacementDelayMs(recentDeaths: number): number {
  return Math.min(500 * 2 ** Math.max(0, recentDeaths - 1), 8_000);
}

/**
 * Runs `count` node:cluster workers: a worker that dies is logged and replaced after a back-off;
 * the primary exits non-zero when a worker fails before the first ones all listen (the port is
 * taken, the database refuses) or when workers keep dying (CRASH_LOOP). SIGTERM/SIGINT: each
 * worker shuts down gracefully (serve.ts); past `shutdownTimeoutMs` plus a margin, it is killed.
 */
export function superviseWorkers(count: number, options: { shutdownTimeoutMs: number; logLevel: LogLevel }): void {
  const log = primaryLogger(options.logLevel);
  let starting = true;
  let listening = 0;
  let stopping = false;
  const deaths: number[] = [];

  const fork = (): Worker => cluster.fork();
  // A worker may still be in cluster.workers when its 'exit' is emitted; its state says it died.
  const alive = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined && !worker.isDead()).length;
  const stopAll = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker && !worker.isDead()) worker.process.kill(signal);
  };
  const giveUp = (message: string, fields: Record<string, unknown>) => {
    stopping = true;
    log('error', fields, message);
    stopAll('SIGTERM');
    // The workers' own shutdown is bounded; this is the backstop.
    setTimeout(() => { stopAll('SIGKILL'); process.exit(1); }, options.shutdownTimeoutMs + 2_000).unref();
    const exitWhenAlone = () => { if (alive() === 0) process.exit(1); };
    cluster.on('exit', exitWhenAlone);
    exitWhenAlone();
  };

  cluster.on('listening', () => {
    listening++;
    if (starting && listening >= count) starting = false;
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const fields = { worker: worker.process.pid, code, signal };
    if (starting) {
      giveUp('a worker failed to start; stopping (see its message above)', fields);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && (deaths[0] as number) < now - CRASH_LOOP.windowMs) deaths.shift();
    if (deaths.length >= CRASH_LOOP.deaths) {
      giveUp(`${deaths.length} workers died within ${CRASH_LOOP.windowMs / 1000} s; stopping`, fields);
      return;
    }
    const delayMs = replacementDelayMs(deaths.length);
    log('error', { ...fields, replaceInMs: delayMs }, 'a worker died; replacing it');
    setTimeout(() => { if (!stopping) fork(); }, delayMs);
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: no more waiting.
      stopAll('SIGKILL');
      return;
    }
    stopping = true;
    log('info', { signal }, 'shutting down: the workers finish their requests');
    stopAll('SIGTERM');
    setTimeout(() => {
      log('warn', {}, 'workers still running past the shutdown timeout; killing them');
      stopAll('SIGKILL');
    }, options.shutdownTimeoutMs + 2_000).unref();
    cluster.on('exit', () => { if (alive() === 0) process.exit(0); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  for (let i = 0; i < count; i++) fork();
}
