import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI: `npm test` and `npm run test:http` build dist/ first. */
export const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test and npm run test:http do it first).');
}

export interface ServingCli {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** http://127.0.0.1:PORT, the address the server bound. */
  origin: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, and resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * `tessera serve ARGS --port 0 --log-level info`: the kernel picks the port (never probe a port
 * and close it), and the test learns it from the log line each listening process prints,
 * Fastify's `Server listening at http://127.0.0.1:PORT`. With --workers N, waits for N of them.
 */
export async function serveCli(args: string[], options: { workers?: number; timeoutMs?: number } = {}): Promise<ServingCli> {
  requireBuiltCli();
  const workers = options.workers ?? 1;
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0', '--host', '127.0.0.1', '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_PORT: '', TESSERA_LOG_LEVEL: '' },
  });
  let output = '';
  let pending = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origins: string[] = [];
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera serve did not listen within ${options.timeoutMs ?? 20_000} ms:\n${output}`)), options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      // Read on until the end (logs of requests follow), or the pipe would fill and stall the process.
      output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const origin = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
        if (origin) origins.push(origin);
      }
      if (origins.length >= workers) {
        clearTimeout(timer);
        if (new Set(origins).size !== 1) reject(new Error(`the workers listen on different addresses: ${origins.join(', ')}`));
        resolve(origins[0] as string);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`tessera serve exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  let origin: string;
  try {
    origin = await started;
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    throw error;
  }
  return {
    child, origin,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
