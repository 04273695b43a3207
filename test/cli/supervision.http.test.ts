import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHttp, listenHttp, boundPort } from '../../src/server/http-listener.js';
import { CLI, requireBuiltCli, serveCli, type ServingCli } from '../helpers/cli.js';

const database = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-supervision-')), 't.db')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids of the processes that logged "Server listening", in order. */
function listeningPids(output: string): number[] {
  return output.split('\n').flatMap((line) => {
    if (!line.includes('"msg":"Server listening at')) return [];
    return [(JSON.parse(line) as { pid: number }).pid];
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

function exited(tessera: ServingCli): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { child } = tessera;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('tessera serve --workers: supervision', () => {
  let tessera: ServingCli | undefined;
  afterEach(async () => {
    if (tessera && tessera.child.exitCode === null && tessera.child.signalCode === null) tessera.child.kill('SIGKILL');
    tessera = undefined;
  });

  it('replaces a worker killed with SIGKILL, logs it, and keeps serving', async () => {
    tessera = await serveCli(['--workers', '2', '--db', database()], { workers: 2 });
    const [first] = listeningPids(tessera.output());
    process.kill(first as number, 'SIGKILL');
    await until(() => listeningPids(tessera!.output()).length >= 3, 15_000);
    expect(tessera.output()).toMatch(/"msg":"a worker died; replacing it"/);
    expect(tessera.output()).toContain(`"worker":${first}`);
    for (let i = 0; i < 6; i++) {
      expect((await fetch(`${tessera.origin}/.well-known/oauth-authorization-server`, { headers: { connection: 'close' } })).status).toBe(200);
    }
    await tessera.stop();
    expect(tessera.child.exitCode).toBe(0);
  }, 30_000);

  it('exits non-zero when workers keep dying (5 deaths within 30 s)', async () => {
    tessera = await serveCli(['--workers', '2', '--db', database()], { workers: 2 });
    const done = exited(tessera);
    let finished = false;
    void done.then(() => { finished = true; });
    const end = Date.now() + 25_000;
    while (!finished && Date.now() < end) {
      for (const pid of listeningPids(tessera.output())) if (alive(pid)) process.kill(pid, 'SIGKILL');
      await sleep(100);
    }
    const { code } = await done;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(tessera.output()).toMatch(/workers died within 30 s; stopping/);
  }, 40_000);

  it('exits non-zero when the workers cannot listen (port in use)', async () => {
    requireBuiltCli();
    const taken = await listenHttp(0, '127.0.0.1');
    try {
      const child = spawn(process.execPath, [CLI, 'serve', '--workers', '2', '--db', database(), '--port', String(boundPort(taken)), '--host', '127.0.0.1'], {
        stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_PORT: '' },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      expect(code, output).not.toBe(0);
      expect(code, output).not.toBeNull();
      expect(output).toMatch(/port is already in use/);
    } finally {
      await closeHttp(taken);
    }
  }, 30_000);
});

describe('tessera serve: graceful shutdown', () => {
  it('SIGTERM with only idle keep-alive connections: exits at once, and says so', async () => {
    const tessera = await serveCli(['--db', database(), '--shutdown-timeout', '5']);
    // fetch keeps its connection alive (undici's pool).
    expect((await fetch(`${tessera.origin}/jwks`)).status).toBe(200);
    const started = Date.now();
    await tessera.stop();
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(tessera.child.exitCode).toBe(0);
    expect(tessera.output()).toMatch(/"signal":"SIGTERM".*"msg":"shutting down/);
  }, 30_000);

  it('SIGTERM with a stalled client (half a request): exits within --shutdown-timeout', async () => {
    const tessera = await serveCli(['--db', database(), '--shutdown-timeout', '2']);
    const { port } = new URL(tessera.origin);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.on('error', () => {});
    socket.write('POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n');
    await sleep(200);
    const started = Date.now();
    await tessera.stop();
    const ms = Date.now() - started;
    socket.destroy();
    expect(tessera.child.exitCode).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(1_500);
    expect(ms).toBeLessThan(4_500);
    expect(tessera.output()).toMatch(/connections still open at the shutdown timeout were closed/);
  }, 30_000);

  it('SIGTERM during a request: the request is answered, then the process exits without waiting out the timeout', async () => {
    const tessera = await serveCli(['--db', database(), '--shutdown-timeout', '8']);
    const { port } = new URL(tessera.origin);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    const body = 'grant_type=client_credentials&client_id=nobody';
    socket.write(`POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await sleep(200);
    const started = Date.now();
    const stopped = tessera.stop();
    await sleep(500);
    socket.write(body.slice(10));
    await stopped;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('invalid_client');
    socket.destroy();
  }, 30_000);

  it('SIGTERM to the primary of --workers 2 with a stalled client: all exit within the timeout', async () => {
    const tessera = await serveCli(['--workers', '2', '--db', database(), '--shutdown-timeout', '2'], { workers: 2 });
    const { port } = new URL(tessera.origin);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.on('error', () => {});
    socket.write('GET /jwks HTTP/1.1\r\n');
    await sleep(200);
    const pids = listeningPids(tessera.output());
    const started = Date.now();
    await tessera.stop();
    socket.destroy();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(tessera.child.exitCode).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 30_000);
});
