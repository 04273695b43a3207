import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';

const run = promisify(execFile);

describe('tessera db backup FILE', () => {
  let tessera: ServingCli | undefined;
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-backup-'));
    db = `sqlite:${join(dir, 't.db')}`;
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({
      clients: [
        { client_id: 'app', client_secret: 'app-secret', grant_types: ['client_credentials'], scope: 'read' },
        { client_id: 'other', client_secret: 'other-secret', grant_types: ['client_credentials'], scope: 'read' },
      ],
    }), { mode: 0o600 });
    tessera = await serveCli(['--db', db, '--seed', seed]);
  });
  afterAll(() => tessera?.stop());

  it('copies the live database while the server writes: 0600, sound, with the clients', async () => {
    const issue = () => postForm(`${tessera!.origin}/token`, 'grant_type=client_credentials&scope=read', { authorization: basic('app', 'app-secret') });
    const traffic = Promise.all(Array.from({ length: 20 }, issue));
    const target = join(dir, 'copy.db');
    const { stdout } = await run(process.execPath, [CLI, 'db', 'backup', target, '--db', db], { env: { ...process.env, TESSERA_DB: '' } });
    expect(JSON.parse(stdout)).toMatchObject({ backup: target });
    expect((await traffic).every((r) => r.status === 200)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const copy = new Database(target, { readonly: true });
    try {
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      const clients = copy.prepare('SELECT client_id FROM clients ORDER BY client_id').all() as { client_id: string }[];
      expect(clients.map((c) => c.client_id)).toEqual(['app', 'other']);
    } finally {
      copy.close();
    }
  });

  it('never overwrites a file, and says so in one line', async () => {
    const target = join(dir, 'taken.db');
    writeFileSync(target, 'keep me');
    const failure = await run(process.execPath, [CLI, 'db', 'backup', target, '--db', db]).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toMatch(/^tessera: .*taken\.db exists; choose a new file name.*\n$/);
  });

  it('refuses PostgreSQL (pg_dump does that)', async () => {
    const failure = await run(process.execPath, [CLI, 'db', 'backup', join(dir, 'pg.db'), '--db', 'postgres://u@127.0.0.1:1/x'])
      .then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failure?.stderr).toMatch(/pg_dump/);
  });
});
