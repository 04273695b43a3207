import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli } from '../helpers/cli.js';

// The logout metadata of clients (RP-Initiated and Back-Channel Logout 1.0), with the built CLI.
const dir = mkdtempSync(join(tmpdir(), 'tessera-logout-cli-'));
const db = `sqlite:${join(dir, 'tessera.db')}`;

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_DB: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);

describe('tessera client: logout metadata', () => {
  it('create and update set post_logout_redirect_uris and the back-channel logout URI; update keeps what it is not given', () => {
    const created = tessera('client', 'create', '--client-id', 'rp', '--redirect-uri', 'https://rp.example/cb', '--scope', 'openid',
      '--post-logout-redirect-uri', 'https://rp.example/out', '--post-logout-redirect-uri', 'https://rp.example/bye',
      '--backchannel-logout-uri', 'https://rp.example/backchannel', '--backchannel-logout-session-required', '--db', db);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      post_logout_redirect_uris: ['https://rp.example/out', 'https://rp.example/bye'],
      backchannel_logout_uri: 'https://rp.example/backchannel', backchannel_logout_session_required: true,
    });
    const updated = tessera('client', 'update', 'rp', '--post-logout-redirect-uri', 'https://rp.example/signed-out', '--db', db);
    expect(updated.status).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      post_logout_redirect_uris: ['https://rp.example/signed-out'], backchannel_logout_uri: 'https://rp.example/backchannel',
    });
    expect(JSON.parse(tessera('client', 'show', 'rp', '--db', db).stdout).post_logout_redirect_uris).toEqual(['https://rp.example/signed-out']);
  });

  it('refuses an http back-channel URI off loopback, and a post-logout URI with a fragment, changing nothing', () => {
    tessera('client', 'create', '--client-id', 'web', '--redirect-uri', 'https://web.example/cb', '--db', db);
    const before = tessera('client', 'show', 'web', '--db', db).stdout;
    const http = tessera('client', 'update', 'web', '--backchannel-logout-uri', 'http://web.example/backchannel', '--db', db);
    expect(http.status).not.toBe(0);
    expect(http.stderr).toMatch(/backchannel_logout_uri must use https/);
    const fragment = tessera('client', 'update', 'web', '--post-logout-redirect-uri', 'https://web.example/out#x', '--db', db);
    expect(fragment.status).not.toBe(0);
    expect(tessera('client', 'show', 'web', '--db', db).stdout).toBe(before);
    expect(tessera('client', 'update', 'web', '--backchannel-logout-uri', 'http://127.0.0.1:8080/backchannel', '--db', db).status).toBe(0);
  });
});
