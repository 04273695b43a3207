import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';

/**
 * Two worker processes on one SQLite file: atomicity that holds across processes, not only
 * inside one event loop.
 */
describe('tessera serve --workers 2', () => {
  let tessera: ServingCli | undefined;
  let base: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-workers-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read' }],
      users: [{ username: 'erin', password: 'erin-password' }],
    }), { mode: 0o600 });
    // Port 0: the two workers share the one port the kernel gave the first (node:cluster).
    tessera = await serveCli(['--workers', '2', '--db', `sqlite:${join(dir, 't.db')}`, '--seed', seed], { workers: 2 });
    base = tessera.origin;
  });
  afterAll(() => tessera?.stop());

  it('rotates a refresh token once under 20 parallel uses: all get the same new pair, and the grant stays alive', async () => {
    const auth = { authorization: basic('app', 'app-secret') };
    const tokens = await postForm(`${base}/token`, 'grant_type=password&username=erin&password=erin-password', auth);
    expect(tokens.status).toBe(200);
    const refresh = (token: string) =>
      postForm(`${base}/token`, `grant_type=refresh_token&refresh_token=${token}`, { ...auth, connection: 'close' });
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens.json.refresh_token as string)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => `${r.json.access_token} ${r.json.refresh_token}`)).size).toBe(1);
    expect((await refresh(results[0]!.json.refresh_token as string)).status).toBe(200);
  });

  it('serves one signing key from every worker', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 10; i++) keys.add(JSON.stringify(await (await fetch(`${base}/jwks`, { headers: { connection: 'close' } })).json()));
    expect(keys.size).toBe(1);
  });
});
