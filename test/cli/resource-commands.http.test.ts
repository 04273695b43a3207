import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, serveCli, type ServingCli } from '../helpers/cli.js';
import { decodeProtectedHeader } from 'jose';
import { createBearerVerifier } from '../../src/resource/index.js';
import { basic, postForm } from '../helpers/oauth-client.js';

// `tessera resource create|update|list|delete` and the seed file's `resources`: the registry of APIs
// that findings 6 (who may introspect a token) and 7 (each API its own audience) rest on.

const dir = mkdtempSync(join(tmpdir(), 'tessera-resource-cli-'));
let databases = 0;
const freshDb = () => `sqlite:${join(dir, `tessera-${++databases}.db`)}`;

function tessera(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TESSERA_DB: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(requireBuiltCli);
/** Tests that start the CLI many times: each start loads the whole server. */
const SLOW = 120_000;

describe('tessera resource', () => {
  it('creates, lists and deletes a resource server', () => {
    const db = freshDb();
    const created = tessera('resource', 'create', 'https://api.example.com', '--scope', 'read write', '--introspection-client', 'api-gateway', '--db', db);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ resource: 'https://api.example.com', scope: 'read write', introspection_clients: ['api-gateway'] });
    // Not an error (the client may come next), but a typo would otherwise go unnoticed.
    expect(created.stderr).toMatch(/no client "api-gateway" is registered yet/);
    expect(tessera('resource', 'create', 'urn:example:reports', '--db', db).status).toBe(0);

    const list = tessera('resource', 'list', '--db', db);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ resource: 'https://api.example.com', scope: 'read write', introspection_clients: ['api-gateway'] }),
      expect.objectContaining({ resource: 'urn:example:reports', scope: '', introspection_clients: [] }),
    ]);

    const again = tessera('resource', 'create', 'https://api.example.com', '--db', db);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);

    expect(tessera('resource', 'delete', 'https://api.example.com', '--db', db).status).toBe(0);
    const gone = tessera('resource', 'delete', 'https://api.example.com', '--db', db);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toMatch(/no resource "https:\/\/api\.example\.com"/);
    expect(JSON.parse(tessera('resource', 'list', '--db', db).stdout).map((r: { resource: string }) => r.resource)).toEqual(['urn:example:reports']);
   }, SLOW);

  it('says nothing about a client that is registered', () => {
    const db = freshDb();
    expect(tessera('client', 'create', '--db', db, '--client-id', 'gateway', '--grant-type', 'client_credentials').status).toBe(0);
    const created = tessera('resource', 'create', 'https://api.example.com', '--introspection-client', 'gateway', '--db', db);
    expect(created.status).toBe(0);
    expect(created.stderr).toBe('');
  });

  it('--signing-alg chooses the algorithm of the API\'s tokens; update changes what it is given and keeps the rest', () => {
    const db = freshDb();
    const created = tessera('resource', 'create', 'https://api.example.com', '--scope', 'read', '--signing-alg', 'RS256', '--db', db);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ resource: 'https://api.example.com', scope: 'read', signing_alg: 'RS256' });
    const updated = tessera('resource', 'update', 'https://api.example.com', '--signing-alg', 'EdDSA', '--db', db);
    expect(updated.status, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ scope: 'read', signing_alg: 'EdDSA' });
    const rescoped = tessera('resource', 'update', 'https://api.example.com', '--scope', 'read write', '--db', db);
    expect(JSON.parse(rescoped.stdout)).toMatchObject({ scope: 'read write', signing_alg: 'EdDSA' });
    const reset = tessera('resource', 'update', 'https://api.example.com', '--signing-alg', 'default', '--db', db);
    expect(JSON.parse(reset.stdout)).not.toHaveProperty('signing_alg');
    expect(JSON.parse(tessera('resource', 'list', '--db', db).stdout)).toEqual([
      expect.not.objectContaining({ signing_alg: expect.anything() }),
    ]);
    const refused = tessera('resource', 'update', 'https://api.example.com', '--signing-alg', 'none', '--db', db);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/signing_alg must be one of/);
    const unknown = tessera('resource', 'update', 'https://other.example.com', '--scope', 'read', '--db', db);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no resource "https:\/\/other\.example\.com"/);
  }, SLOW);

  const badResources: [string, string[], RegExp][] = [
    ['a relative identifier', ['api'], /absolute ASCII URI without a fragment/],
    ['a fragment', ['https://api.example.com/#x'], /absolute ASCII URI without a fragment/],
    ['a non-ASCII identifier', ['https://äpi.example.com'], /absolute ASCII URI without a fragment/],
    ['a malformed scope', ['https://api.example.com', '--scope', '"read"'], /scope has characters RFC 6749 section 3.3 does not allow/],
    ['an unknown signing algorithm', ['https://api.example.com', '--signing-alg', 'HS256'], /signing_alg must be one of ES256, RS256, EdDSA/],
  ];
  for (const [name, args, message] of badResources) {
    it(`refuses ${name} with one line and writes nothing`, () => {
      const db = freshDb();
      const result = tessera('resource', 'create', ...args, '--db', db);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(tessera('resource', 'list', '--db', db).stdout)).toEqual([]);
    });
  }
});

describe('tessera serve --seed with resources', () => {
  let server: ServingCli | undefined;
  afterAll(() => server?.stop());

  it('registers the APIs: tokens default to the client\'s resource, and the API\'s introspection client sees them', async () => {
    const db = freshDb();
    const seed = join(dir, 'seed-resources.json');
    writeFileSync(seed, JSON.stringify({
      clients: [
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write admin', resources: ['https://api.example.com'] },
        { client_id: 'api-gateway', client_secret: 'api-gateway-secret', grant_types: [] },
        { client_id: 'bystander', client_secret: 'bystander-secret', grant_types: [] },
      ],
      resources: [{ resource: 'https://api.example.com', scope: 'read write', introspection_clients: ['api-gateway'] }],
    }), { mode: 0o600 });
    server = await serveCli(['--db', db, '--seed', seed]);
    const token = await postForm(`${server.origin}/token`, 'grant_type=client_credentials', { authorization: basic('svc', 'svc-secret') });
    expect(token.status).toBe(200);
    expect(token.json.scope).toBe('read write');
    const introspect = (caller: string) => postForm(`${server!.origin}/introspect`, `token=${token.json.access_token as string}`, { authorization: basic(caller, `${caller}-secret`) });
    expect((await introspect('api-gateway')).json).toMatchObject({ active: true, aud: 'https://api.example.com', client_id: 'svc' });
    expect((await introspect('bystander')).json).toEqual({ active: false });
    await server.stop();
    // Applied again at the next start, it changes nothing.
    server = await serveCli(['--db', db, '--seed', seed]);
    await server.stop();
    const listed = JSON.parse(tessera('resource', 'list', '--db', db).stdout);
    expect(listed).toEqual([expect.objectContaining({ resource: 'https://api.example.com', scope: 'read write', introspection_clients: ['api-gateway'] })]);
   }, SLOW);

  it('an API registered with --signing-alg RS256 while the server runs gets RS256 tokens once the registry refresh sees it, which tessera/resource verifies', async () => {
    const db = freshDb();
    const seed = join(dir, 'seed-late-alg.json');
    const api = 'https://late.api.example';
    writeFileSync(seed, JSON.stringify({
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read', resources: [api] }],
    }), { mode: 0o600 });
    const running = await serveCli(['--db', db, '--seed', seed]);
    try {
      const tokenAlg = async () => {
        const response = await postForm(`${running.origin}/token`, 'grant_type=client_credentials', { authorization: basic('svc', 'svc-secret') });
        expect(response.status).toBe(200);
        return { token: response.json.access_token as string, alg: decodeProtectedHeader(response.json.access_token as string).alg };
      };
      expect((await tokenAlg()).alg).toBe('ES256');
      const created = tessera('resource', 'create', api, '--signing-alg', 'RS256', '--db', db);
      expect(created.status, created.stderr).toBe(0);
      // Resources are read from memory (registry-cache.ts): the change reaches the server within one
      // --client-cache-refresh (2 s); the first token after that is RS256, signed with the RS256 key
      // stored at start (nothing is created at token time).
      let first = await tokenAlg();
      const deadline = Date.now() + 10_000;
      while (first.alg !== 'RS256' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        first = await tokenAlg();
      }
      expect(first.alg).toBe('RS256');
      const verifier = createBearerVerifier({ issuer: running.origin, audience: api, algorithms: ['RS256'] });
      expect(await verifier.verify(`Bearer ${first.token}`, ['read'])).toMatchObject({ clientId: 'svc', audience: [api] });
    } finally {
      await running.stop();
    }
  }, SLOW);

  // RFC review L5: a signing_alg edited by hand in SQL stops `tessera serve` at start, in one line.
  it('refuses to start, in one line naming the row, when a resource row holds a signing_alg it does not know', () => {
    const db = freshDb();
    expect(tessera('resource', 'create', 'https://api.example.com', '--db', db).status).toBe(0);
    const sqlite = new Database(db.slice('sqlite:'.length));
    sqlite.prepare("UPDATE resource_servers SET signing_alg = 'HS256'").run();
    sqlite.close();
    const result = tessera('serve', '--db', db, '--port', '0');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/"https:\/\/api\.example\.com" has signing_alg "HS256", not one of ES256, RS256, EdDSA/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  const badSeeds: [string, unknown, RegExp][] = [
    ['a resource without an identifier', [{ scope: 'read' }], /every resource server needs a "resource"/],
    ['a resource with a fragment', [{ resource: 'https://api.example.com#x' }], /absolute ASCII URI without a fragment/],
    ['an unknown field', [{ resource: 'https://api.example.com', audience: 'x' }], /unknown field "audience"/],
    ['introspection_clients that are not client_ids', [{ resource: 'https://api.example.com', introspection_clients: 'api-gateway' }], /introspection_clients must be an array/],
    ['a signing_alg Tessera does not sign with', [{ resource: 'https://api.example.com', signing_alg: 'none' }], /signing_alg must be one of ES256, RS256, EdDSA/],
    ['the same resource twice', [{ resource: 'https://api.example.com' }, { resource: 'https://api.example.com' }], /listed twice/],
    ['resources that are not an array', { resource: 'https://api.example.com' }, /must be arrays/],
  ];
  for (const [name, resources, message] of badSeeds) {
    it(`refuses a seed with ${name}, in one line, before writing anything`, () => {
      const db = freshDb();
      const seed = join(dir, `bad-seed-${databases}.json`);
      writeFileSync(seed, JSON.stringify({
        clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'] }],
        resources,
      }), { mode: 0o600 });
      const result = tessera('serve', '--db', db, '--seed', seed, '--port', '0');
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(tessera('client', 'list', '--db', db).stdout)).toEqual([]);
    });
  }
});
