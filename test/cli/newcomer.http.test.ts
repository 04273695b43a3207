import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli } from '../helpers/cli.js';
import { DEMO_DEFAULTS } from '../../src/cli/demo.js';

/** The first minutes of someone new to Tessera, with the built CLI (issue 15 §8). */

const dir = mkdtempSync(join(tmpdir(), 'tessera-newcomer-'));
const env = { ...process.env, TESSERA_DB: '', TESSERA_PORT: '', TESSERA_LOG_LEVEL: '', TESSERA_USER_PASSWORD: '' };

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd: dir, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A port held by this test process, so that the CLI finds it in use. */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

beforeAll(requireBuiltCli);

describe('the port-in-use message', () => {
  it('tells a second demo to choose other ports and another --db', async () => {
    const { port, server } = await busyPort();
    try {
      const result = tessera('demo', '--port', String(port), '--resource-port', '0', '--client-port', '0', '--db', `sqlite:${join(dir, 'demo-busy.db')}`);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`port ${port} is already in use`));
      expect(result.stderr).toContain('--port, --resource-port and --client-port');
      expect(result.stderr).toContain('another database with --db');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('tells serve to choose another --port, and another --db for a server of its own', async () => {
    const { port, server } = await busyPort();
    try {
      const result = tessera('serve', '--port', String(port), '--host', '127.0.0.1', '--db', `sqlite:${join(dir, 'serve-busy.db')}`, '--log-level', 'silent');
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/the port is already in use; choose another with --port/);
      expect(result.stderr).toContain('another --db');
    } finally {
      server.close();
    }
  });
});

describe('tessera --version', () => {
  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = tessera(flag);
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });
});

describe('tessera client create', () => {
  it('prints the client as JSON on stdout and, on stderr, to store the generated secret now', () => {
    const db = `sqlite:${join(dir, 'clients.db')}`;
    const created = tessera('client', 'create', '--db', db, '--client-id', 'svc', '--grant-type', 'client_credentials');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout).client_secret).toMatch(/^tsr_cs_/);
    expect(created.stderr).toMatch(/store the client_secret above now: it is shown only this once/);
    const rotated = tessera('client', 'rotate-secret', 'svc', '--db', db);
    expect(JSON.parse(rotated.stdout).client_secret).toMatch(/^tsr_cs_/);
    expect(rotated.stderr).toMatch(/shown only this once/);
    // A secret the user chose is theirs already: nothing to store.
    const chosen = tessera('client', 'create', '--db', db, '--client-id', 'chosen', '--secret', 'a-secret-of-their-own', '--grant-type', 'client_credentials');
    expect(chosen.status).toBe(0);
    expect(chosen.stderr).toBe('');
  });
});

describe('tessera demo --help', () => {
  it("shows the demo's own defaults and none of the flags it has no use for", () => {
    const help = tessera('demo', '--help');
    expect(help.status).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('(default sqlite:./data/demo.db)');
    expect(text).toMatch(/--log-level <level> .*\(default warn\)/);
    expect(text).toMatch(new RegExp(`--access-token-ttl <seconds> access token lifetime \\(default ${DEMO_DEFAULTS.accessTokenTtl}\\)`));
    expect(text).toContain('(default: the demo Resource Server)');
    expect(text).toContain('--resource-port');
    for (const refused of ['--workers', '--metrics-port', '--audit-log', '--db-timeout', '--client-cache-refresh', '--shutdown-timeout']) {
      expect(text).not.toContain(refused);
    }
    // serve keeps them all, with its own defaults.
    const serve = tessera('serve', '--help').stdout.replace(/\s+/g, ' ');
    expect(serve).toContain('(default sqlite:./data/tessera.db)');
    expect(serve).toContain('--workers');
    expect(serve).toContain('--metrics-port');
  });

  it('refuses a flag the demo does not take, in one line', () => {
    const result = tessera('demo', '--workers', '2');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown option '--workers'/);
  });
});

describe('tessera user create / update --password', () => {
  const db = `sqlite:${join(dir, 'users.db')}`;

  it('refuses a short or common password in one line that does not repeat it, and saves nothing', () => {
    for (const [password, message] of [['tiny-pw', /at least 8 characters/], ['Password123', /most common passwords/], ['erin-the-user', /must not be the username/]] as const) {
      const result = tessera('user', 'create', 'erin-the-user', '--password', password, '--db', db);
      expect(result.status, password).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain(password);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(tessera('user', 'show', 'erin-the-user', '--db', db).status).toBe(2);
  });

  it('accepts a long uncommon one, and update --password applies the same rule', () => {
    expect(tessera('user', 'create', 'frank', '--password', 'correct horse battery staple', '--db', db).status).toBe(0);
    const refused = tessera('user', 'update', 'frank', '--password', 'letmein1', '--db', db);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/most common passwords/);
    expect(tessera('user', 'update', 'frank', '--password', 'another long passphrase', '--db', db).status).toBe(0);
    // Claims alone need no password.
    expect(tessera('user', 'update', 'frank', '--name', 'Frank', '--db', db).status).toBe(0);
  });
});

describe('tessera serve names the database it opened', () => {
  const logLines = (output: string) => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('logs the absolute path of a SQLite file, and warns when it created it empty without a seed', async () => {
    // A path with a detour: the log shows the file it resolves to.
    const given = join(dir, 'nested', '..', 'mistyped.db');
    const first = await serveCli(['--db', `sqlite:${given}`]);
    await first.stop();
    const lines = logLines(first.output());
    expect(lines.find((line) => line.msg === 'database opened')?.db).toEqual({ kind: 'sqlite', path: join(dir, 'mistyped.db') });
    const warning = lines.find((line) => line.level === 40 && String(line.msg).includes('just created, empty'));
    expect(warning?.db).toEqual({ kind: 'sqlite', path: join(dir, 'mistyped.db') });
    // The second start finds the file: no warning.
    const second = await serveCli(['--db', `sqlite:${given}`]);
    await second.stop();
    expect(logLines(second.output()).some((line) => line.msg === 'database opened')).toBe(true);
    expect(second.output()).not.toContain('just created, empty');
  });
});
