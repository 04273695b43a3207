import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli } from '../helpers/cli.js';

// `tessera registration-token` as an administrator runs it, and a `tessera serve
// --dynamic-registration token` that accepts the token it printed, once (--max-uses 1).
const dir = mkdtempSync(join(tmpdir(), 'tessera-dcr-cli-'));
const db = `sqlite:${join(dir, 'tessera.db')}`;

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_DB: '', TESSERA_DYNAMIC_REGISTRATION: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);

describe('tessera registration-token', () => {
  it('creates a token printed once, which a server in token mode accepts up to --max-uses; list and revoke; client list says who registered', async () => {
    const created = tessera('registration-token', 'create', '--max-uses', '1', '--expires-in', '3600', '--db', db);
    expect(created.status).toBe(0);
    const token = JSON.parse(created.stdout) as { id: string; initial_access_token: string; max_uses: number; uses: number };
    expect(token).toMatchObject({ max_uses: 1, uses: 0 });
    expect(token.initial_access_token).toMatch(/^tsr_iat_/);
    const spare = JSON.parse(tessera('registration-token', 'create', '--db', db).stdout) as { id: string; initial_access_token: string };
    expect(tessera('registration-token', 'create', '--max-uses', '0', '--db', db).status).toBe(2);
    tessera('client', 'create', '--client-id', 'admin-app', '--public', '--redirect-uri', 'https://app.example/cb', '--db', db);

    expect(tessera('registration-token', 'revoke', spare.id, '--db', db).status).toBe(0);
    expect(tessera('registration-token', 'revoke', spare.id, '--db', db).status).toBe(2);

    // Only fetches while the server runs: a slow CLI call between two would outlast the keep-alive.
    const server = await serveCli(['--db', db, '--dynamic-registration', 'token']);
    let clientId: string;
    try {
      const register = (initial: string) => fetch(`${server.origin}/register`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${initial}` },
        body: JSON.stringify({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] }),
      });
      const first = await register(token.initial_access_token);
      expect(first.status).toBe(201);
      clientId = (await first.json() as { client_id: string }).client_id;
      expect((await register(token.initial_access_token)).status).toBe(401);
      expect((await register(spare.initial_access_token)).status).toBe(401);
    } finally {
      await server.stop();
    }

    const listed = JSON.parse(tessera('registration-token', 'list', '--db', db).stdout) as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: token.id, uses: 1, max_uses: 1 });
    expect(JSON.stringify(listed)).not.toContain('tsr_iat_');
    const clients = JSON.parse(tessera('client', 'list', '--db', db).stdout) as { client_id: string; registered_by: string }[];
    expect(clients.map((c) => [c.client_id, c.registered_by]).sort()).toEqual([['admin-app', 'admin'], [clientId, 'dynamic']].sort());
    expect(JSON.parse(tessera('client', 'show', clientId, '--db', db).stdout).registered_by).toBe('dynamic');
  });
});
