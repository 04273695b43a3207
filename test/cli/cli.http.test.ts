import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli, type ServingCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
const db = `sqlite:${join(dir, 'tessera.db')}`;

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_DB: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);

describe('tessera CLI', () => {
  it('prints help', () => {
    const result = tessera('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/serve/);
  });

  it('creates a client with a generated secret shown once, lists, shows and deletes it', () => {
    const created = tessera('client', 'create', '--db', db, '--client-id', 'svc', '--grant-type', 'client_credentials', '--scope', 'read');
    expect(created.status).toBe(0);
    const metadata = JSON.parse(created.stdout);
    expect(metadata.client_secret).toMatch(/^tsr_cs_[A-Za-z0-9_-]{43}$/);
    const list = tessera('client', 'list', '--db', db);
    expect(list.stdout).toContain('"svc"');
    expect(list.stdout).not.toContain(metadata.client_secret);
    expect(JSON.parse(tessera('client', 'show', 'svc', '--db', db).stdout).scope).toBe('read');
    expect(tessera('client', 'create', '--db', db, '--client-id', 'svc').status).toBe(2);
    expect(tessera('client', 'delete', 'svc', '--db', db).status).toBe(0);
    expect(tessera('client', 'show', 'svc', '--db', db).status).toBe(2);
  });

  it('manages users, storing an argon2id hash', () => {
    expect(tessera('user', 'create', 'bob', '--password', 'pw-bob-long-enough', '--db', db).status).toBe(0);
    const users = JSON.parse(tessera('user', 'list', '--db', db).stdout);
    expect(users.map((u: { username: string }) => u.username)).toContain('bob');
    expect(JSON.stringify(users)).not.toContain('pw-bob');
    expect(tessera('user', 'delete', 'bob', '--db', db).status).toBe(0);
  });

  const badConfigs: [string, string[], RegExp][] = [
    ['an unknown grant type', ['client', 'create', '--db', db, '--grant-type', 'magic'], /unknown grant type "magic"/],
    ['a relative redirect URI', ['client', 'create', '--db', db, '--redirect-uri', 'cb'], /absolute URI/],
    ['a public client with a secret', ['client', 'create', '--db', db, '--auth-method', 'none', '--secret', 'x'], /must not have a client_secret/],
    ['an unreadable seed file', ['serve', '--db', db, '--seed', join(dir, 'missing.json')], /cannot read seed file/],
    ['a bad --db URL', ['serve', '--db', 'mysql://localhost/x'], /--db must start with sqlite: or postgres:\/\//],
    ['a bad port', ['serve', '--port', 'http'], /--port must be a whole number/],
  ];
  for (const [name, args, message] of badConfigs) {
    it(`exits non-zero with one line for ${name}`, () => {
      const result = tessera(...args);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\s+at\s/);
    });
  }
});

describe('tessera serve --seed', () => {
  let server: ServingCli | undefined;
  const seed = join(dir, 'seed.json');

  beforeAll(() => {
    writeFileSync(seed, JSON.stringify({
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read' }],
      users: [{ username: 'alice', password: 'alice-pw' }],
    }), { mode: 0o600 });
  });
  afterAll(() => server?.stop());

  it('starts, applies the seed idempotently and keeps its signing key across restarts', async () => {
    server = await serveCli(['--db', db, '--seed', seed]);
    const first = await postForm(`${server.origin}/token`, 'grant_type=client_credentials', { authorization: basic('svc', 'svc-secret') });
    expect(first.status).toBe(200);
    const jwks1 = await (await fetch(`${server.origin}/jwks`)).json();
    await server.stop();
    server = await serveCli(['--db', db, '--seed', seed]);
    const second = await postForm(`${server.origin}/token`, 'grant_type=client_credentials', { authorization: basic('svc', 'svc-secret') });
    expect(second.status).toBe(200);
    expect(await (await fetch(`${server.origin}/jwks`)).json()).toEqual(jwks1);
    const users = JSON.parse(tessera('user', 'list', '--db', db).stdout);
    expect(users.filter((u: { username: string }) => u.username === 'alice')).toHaveLength(1);
  });
});
