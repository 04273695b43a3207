import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs WAL checkpoints off the event loop. In WAL mode every commit appends pages to the -wal
 * file, and a checkpoint copies them back into the database file and fsyncs both. By default
 * SQLite runs it inside whichever commit takes the WAL past 1000 pages, on the event loop: that
 * request, and every request queued behind it, waits (on the token endpoint, about a third of
 * the database time; docs/BENCHMARKS.md).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint, which never waits for
 * nor blocks readers and writers, every `intervalMs`. What is durable and when does not change:
 * a checkpoint only copies transactions that are already committed to the WAL. The caller keeps
 * a higher automatic checkpoint on its own connection as a safety net, so the WAL stays bounded
 * even if this thread stops.
 *
 * A checkpoint reuses the -wal file from its start but never shrinks it: after a burst it would
 * keep its largest size for good. So once the file is past `truncateAboveBytes`, at most every
 * `truncateEveryMs`, the thread tries a TRUNCATE checkpoint, which empties the file. It does not
 * wait (busy timeout 0): if a writer holds the lock or a reader still needs the WAL, it gives up
 * at once and tries again later, so requests are never held up by it.
 */
export class BackgroundCheckpoint {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;

  constructor(path: string, options: { intervalMs?: number; truncateEveryMs?: number; truncateAboveBytes?: number } = {}) {
    const workerData = {
      path, betterSqlite3: BETTER_SQLITE3,
      intervalMs: options.intervalMs ?? 100, truncateEveryMs: options.truncateEveryMs ?? 1_000, truncateAboveBytes: options.truncateAboveBytes ?? 4 * 1024 * 1024,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.exited = once(this.worker, 'exit');
    // The thread never keeps the process alive, and its failure never takes the server down:
    // the safety-net checkpoint of the main connection takes over.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Closes the thread's connection and ends the thread. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timer);
  }
}

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

// Evaluated by the worker as CommonJS, with the same better-sqlite3 as the main connection.
const WORKER_SOURCE = `
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
// Busy timeout 0: a checkpoint that would have to wait gives up at once.
const db = new Database(workerData.path, { timeout: 0 });
let lastTruncate = 0;
const walBytes = () => {
  try {
    return statSync(workerData.path + '-wal').size;
  } catch {
    return 0;
  }
};
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    const now = Date.now();
    if (now - lastTruncate >= workerData.truncateEveryMs && walBytes() > workerData.truncateAboveBytes) {
      lastTruncate = now;
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  } catch {
    // Busy (another process checkpoints, a migration runs): the next round tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
