// Server processes of one benchmark run: start, wait until they answer, sample their memory,
// and kill every one of them at the end, also when the run fails or is interrupted.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

// USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux this runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** @type {Set<ManagedProcess>} */
const running = new Set();

export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/** Kilobytes from a /proc/PID/status line such as "VmRSS:   81234 kB"; 0 when the process is gone. */
function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants (cluster workers), from /proc/PID/task/TID/children. */
export function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pids[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      } catch { /* the task ended */ }
    }
  }
  return pids;
}

/**
 * CPU time (user + system) used so far by a process and its descendants, in milliseconds. A
 * descendant that has exited is no longer counted, so take both readings of a measurement from
 * processes that live through it (a server, the PostgreSQL postmaster and its pooled backends).
 */
export function treeCpuMs(rootPid) {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      // /proc/PID/stat: fields after the parenthesised command; utime and stime are the 14th and 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch { /* the process ended */ }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

export class ManagedProcess {
  /**
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
   */
  constructor(name, command, args, options = {}) {
    this.name = name;
    this.output = '';
    this.exited = false;
    this.exitCode = null;
    // Its own process group, so that the group (the cluster primary and its workers) can be
    // signalled as one, and only it.
    this.child = spawn(command, args, {
      cwd: options.cwd, env: { ...process.env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    const keep = (chunk) => { this.output = (this.output + chunk.toString()).slice(-20_000); };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code ?? signal;
        running.delete(this);
        resolve(this.exitCode);
      });
    });
    this.child.once('error', (error) => { this.output += `\n${error.message}`; });
    running.add(this);
    /** @type {Map<number, number>} peak VmRSS per pid, kB */
    this.peakRssKb = new Map();
    this.peakTotalRssKb = 0;
    this.sampler = undefined;
  }

  /** Polls `url` until it answers with a status below 500; fails early if the process exits. */
  async waitForHttp(url, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited (${this.exitCode}) before answering:\n${this.output}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status < 500) return;
      } catch { /* not listening yet */ }
      await sleep(50);
    }
    throw new Error(`${this.name} did not answer ${url} within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Samples VmRSS of the process tree every `intervalMs` until `stopSampling`; peaks start afresh. */
  startSampling(intervalMs = 100) {
    this.stopSampling();
    this.peakRssKb = new Map();
    this.peakTotalRssKb = 0;
    const sample = () => {
      let total = 0;
      for (const pid of processTree(this.pid)) {
        const kb = statusKb(pid, 'VmRSS');
        total += kb;
        if (kb > (this.peakRssKb.get(pid) ?? 0)) this.peakRssKb.set(pid, kb);
      }
      if (total > this.peakTotalRssKb) this.peakTotalRssKb = total;
    };
    sample();
    this.sampler = setInterval(sample, intervalMs);
    this.sampler.unref();
  }

  stopSampling() {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  /** CPU time (user + system) used so far by the process tree, in milliseconds. */
  cpuMs() {
    return treeCpuMs(this.pid);
  }

  /**
   * Peak RSS in MB since `startSampling`, sampled every 100 ms: of the whole tree at one instant
   * (the primary and its cluster workers) and of the largest single process.
   */
  peakRss() {
    const perProcess = [...this.peakRssKb.values()];
    return {
      totalMb: round1(this.peakTotalRssKb / 1024),
      maxProcessMb: round1(Math.max(0, ...perProcess) / 1024),
      processes: perProcess.length,
    };
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 5000) {
    this.stopSampling();
    if (this.exited) return;
    signalGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.pid, 'SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
    // Cluster workers may outlive a primary that was killed: make sure the group is gone.
    signalGroup(this.pid, 'SIGKILL');
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch { /* already gone */ }
}

function round1(value) {
  return Math.round(value * 10) / 10;
}

/** Stops every process still running (used in finally blocks). */
export async function stopAll() {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Last resort on exit: synchronous SIGKILL to every group this run started. */
function killAllNow() {
  for (const p of running) signalGroup(p.pid, 'SIGKILL');
}
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllNow();
    process.stderr.write(`bench: interrupted by ${signal}; servers stopped.\n`);
    process.exit(130);
  });
}
