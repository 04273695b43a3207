import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli } from '../helpers/cli.js';

// tessera client create --jwks-file / --jwks-uri, with the built CLI.
const dir = mkdtempSync(join(tmpdir(), 'tessera-pkjwt-cli-'));
const db = `sqlite:${join(dir, 'tessera.db')}`;
const EC_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' };

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_DB: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);

describe('tessera client create: private_key_jwt', () => {
  it('registers a client from a JWK Set file, with no secret', () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [EC_KEY] }));
    const created = tessera('client', 'create', '--client-id', 'signer', '--grant-type', 'client_credentials', '--jwks-file', file, '--db', db);
    expect(created.status).toBe(0);
    const shown = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ client_id: 'signer', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_KEY] } });
    expect(shown.client_secret).toBeUndefined();
  });

  it('registers a client with a jwks_uri', () => {
    const created = tessera('client', 'create', '--client-id', 'remote', '--grant-type', 'client_credentials', '--jwks-uri', 'https://remote.example/jwks.json', '--db', db);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://remote.example/jwks.json' });
  });

  it('refuses a private key in the file, and an unreadable file', () => {
    const file = join(dir, 'private.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...EC_KEY, d: 'c2VjcmV0' }] }));
    const refused = tessera('client', 'create', '--client-id', 'leaky', '--grant-type', 'client_credentials', '--jwks-file', file, '--db', db);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('public keys only');
    const missing = tessera('client', 'create', '--client-id', 'nofile', '--grant-type', 'client_credentials', '--jwks-file', join(dir, 'absent.json'), '--db', db);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('--jwks-file');
  });
});
