import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { execFileSync } from 'node:child_process';

// What the server logs must match what the client got: a revocation answered 200 once logged a
// 500 (the handler sent the reply without returning it, and Fastify answered a second time).
const work = mkdtempSync(join(tmpdir(), 'tessera-log-statuses-'));
const seed = join(work, 'seed.json');
writeFileSync(seed, JSON.stringify({
  clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['client_credentials'], scope: 'read' }],
}), { mode: 0o600 });
const auth = { authorization: basic('app', 'app-secret') };

describe('the request log of tessera serve', () => {
  let server: ServingCli;
  beforeAll(async () => { server = await serveCli(['--db', `sqlite:${join(work, 'db.sqlite')}`, '--seed', seed]); });
  afterAll(async () => { await server?.stop(); rmSync(work, { recursive: true, force: true }); });

  it('logs the status each endpoint answered, and no server error, for revocation and introspection', async () => {
    const issued = await postForm(`${server.origin}/token`, 'grant_type=client_credentials&scope=read', auth);
    const token = issued.json.access_token as string;
    for (const body of [`token=${token}`, 'token=not-a-token', `token=${token}&token_type_hint=access_token`]) {
      expect((await postForm(`${server.origin}/revoke`, body, auth)).status).toBe(200);
    }
    expect((await postForm(`${server.origin}/introspect`, `token=${token}`, auth)).json.active).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { status?: number; level?: number });
    expect(lines.filter((line) => line.status === 500 || (line.level ?? 0) >= 50)).toEqual([]);
  });
});

describe('the tessera command line', () => {
  // Every command is registered when the program loads, so one run shows a clash (two commands of
  // one name made every command, serve included, fail at start).
  it('loads with every command registered: --help lists the command groups', () => {
    const top = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const group of ['serve', 'demo', 'client', 'user', 'keys', 'resource', 'db']) expect(top).toMatch(new RegExp(`^  ${group}\\b`, 'm'));
    expect(execFileSync(process.execPath, [CLI, 'client', 'update', '--help'], { encoding: 'utf8' })).toContain('--redirect-uri');
  });
});
