import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli } from '../helpers/cli.js';

// The administration of OpenID Connect: users' standard claims and clients' ID-token algorithm,
// with the built CLI as an administrator runs it, then seen by a running server.
const dir = mkdtempSync(join(tmpdir(), 'tessera-oidc-cli-'));
const db = `sqlite:${join(dir, 'tessera.db')}`;

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_DB: '', TESSERA_USER_PASSWORD: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);

describe('tessera user: OpenID Connect claims', () => {
  it('create sets claims from flags, update changes and unsets them, show prints them with updated_at', () => {
    expect(tessera('user', 'create', 'carol', '--password', 'pw-carol-1', '--name', 'Carol Danvers', '--email', 'carol@example.com',
      '--email-verified', 'true', '--address', '{"locality":"Boston","country":"US"}', '--db', db).status).toBe(0);
    const created = JSON.parse(tessera('user', 'show', 'carol', '--db', db).stdout);
    expect(created.claims).toMatchObject({ name: 'Carol Danvers', email: 'carol@example.com', email_verified: true, address: { locality: 'Boston', country: 'US' } });
    expect(typeof created.claims.updated_at).toBe('number');
    expect(tessera('user', 'update', 'carol', '--locale', 'en-US', '--unset', 'address', '--db', db).status).toBe(0);
    const updated = JSON.parse(tessera('user', 'show', 'carol', '--db', db).stdout);
    expect(updated.claims).toMatchObject({ name: 'Carol Danvers', locale: 'en-US' });
    expect(updated.claims).not.toHaveProperty('address');
    expect(updated.id).toBe(created.id);
  });

  it.each([
    [['--email-verified', 'yes'], /--email-verified must be true or false/],
    [['--picture', 'ftp://x/y.png'], /picture.*http\(s\) URL/],
    [['--address', 'Boston'], /--address must be a JSON object/],
  ])('update refuses %j with one line, changing nothing', (flags, message) => {
    tessera('user', 'create', 'dave', '--password', 'pw-dave-1', '--name', 'Dave', '--db', db);
    const before = tessera('user', 'show', 'dave', '--db', db).stdout;
    const result = tessera('user', 'update', 'dave', ...flags, '--db', db);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(tessera('user', 'show', 'dave', '--db', db).stdout).toBe(before);
  });

  it('update of an unknown user is refused', () => {
    const result = tessera('user', 'update', 'nobody', '--name', 'N', '--db', db);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no user "nobody"/);
  });
});

describe('tessera client: id_token_signed_response_alg', () => {
  it('create and update set it; an unknown algorithm is refused', () => {
    const created = tessera('client', 'create', '--client-id', 'rp', '--redirect-uri', 'https://rp.example/cb', '--scope', 'openid profile',
      '--id-token-signed-response-alg', 'ES256', '--db', db);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout).id_token_signed_response_alg).toBe('ES256');
    const updated = tessera('client', 'update', 'rp', '--id-token-signed-response-alg', 'EdDSA', '--name', 'The RP', '--db', db);
    expect(updated.status).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id_token_signed_response_alg: 'EdDSA', client_name: 'The RP', scope: 'openid profile' });
    const refused = tessera('client', 'update', 'rp', '--id-token-signed-response-alg', 'HS256', '--db', db);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/id_token_signed_response_alg must be one of ES256, RS256, EdDSA/);
  });
});

describe('seed files with users\' claims', () => {
  it('are applied at start; a claim of the wrong type is refused before anything is written', async () => {
    const good = join(dir, 'seed.json');
    writeFileSync(good, JSON.stringify({ users: [{ username: 'erin', password: 'pw-erin-1', name: 'Erin', email: 'erin@example.com', email_verified: false }] }), { mode: 0o600 });
    const server = await serveCli(['--db', `sqlite:${join(dir, 'seeded.db')}`, '--seed', good]);
    await server.stop();
    const shown = tessera('user', 'show', 'erin', '--db', `sqlite:${join(dir, 'seeded.db')}`);
    expect(JSON.parse(shown.stdout).claims).toMatchObject({ name: 'Erin', email: 'erin@example.com', email_verified: false });
    const bad = join(dir, 'bad-seed.json');
    writeFileSync(bad, JSON.stringify({ users: [{ username: 'frank', password: 'pw-frank-1', email_verified: 'no' }] }), { mode: 0o600 });
    const result = tessera('serve', '--db', `sqlite:${join(dir, 'bad.db')}`, '--seed', bad, '--port', '0');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/user 1: claim "email_verified" must be true or false/);
  });
});

describe('the ID-token keys of a server with workers', () => {
  it('are made once by the primary: the JWKS has one key per algorithm, however many workers start', async () => {
    const server = await serveCli(['--workers', '2', '--db', `sqlite:${join(dir, 'workers.db')}`], { workers: 2, timeoutMs: 60_000 });
    try {
      const jwks = await (await fetch(`${server.origin}/jwks`)).json() as { keys: { alg: string }[] };
      expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    } finally {
      await server.stop();
    }
  });
});
