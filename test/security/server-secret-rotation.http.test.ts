import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { legacySha256, SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { generateSigningKey } from '../../src/keys/key-ring.js';
import { buildServer } from '../../src/server/app.js';
import { serverSettings } from '../../src/server/settings.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';

// Security review finding 1: several server secrets may be configured, the first for new data and
// the others still accepted, so the secret can be rotated without invalidating anything; and
// databases of earlier versions (plain SHA-256 hashes, a plain private JWK) keep working and are
// upgraded when next used.

const S1 = 'first-server-secret-0123456789abcdefghij';
const S2 = 'second-server-secret-0123456789abcdefghij';
let work: string;

beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'tessera-rotation-')); });
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A server on the database file `db` with these secrets, listening on port 0. */
async function start(db: string, secrets: string[]): Promise<{ app: FastifyInstance; store: SqliteStore; url: string; stop(): Promise<void> }> {
  const store = new SqliteStore(db);
  const app = await buildServer({ settings: serverSettings({ issuer: 'http://127.0.0.1', logLevel: 'silent' }), store, secrets: ServerSecrets.from(secrets), logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, store, url, async stop() { await app.close(); await store.close(); } };
}

const APP = { client_id: 'app', client_secret: 'a person-chosen secret', grant_types: ['client_credentials'], scope: 'read' };
const auth = { authorization: basic('app', APP.client_secret) };

describe('rotating the server secret', () => {
  it('keeps every client, key and token working with the old secret second, then rehashes', async () => {
    const db = join(work, 'rotate.db');
    let server = await start(db, [S1]);
    await server.store.clients.upsert(clientFromMetadata(APP, 0, new SecretHashing(ServerSecrets.from([S1]))));
    const before = await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth);
    expect(before.status).toBe(200);
    const jwksBefore = await (await fetch(`${server.url}/jwks`)).json() as { keys: { kid: string }[] };
    const storedUnderS1 = (await server.store.clients.get('app'))?.secretHash;
    await server.stop();

    server = await start(db, [S2, S1]);
    // The signing key opened with the older secret and is resealed with the current one.
    const jwksAfter = await (await fetch(`${server.url}/jwks`)).json() as { keys: { kid: string }[] };
    expect(jwksAfter.keys.map((k) => k.kid)).toEqual(jwksBefore.keys.map((k) => k.kid));
    expect((await postForm(`${server.url}/introspect`, `token=${before.json.access_token as string}`, auth)).json.active).toBe(true);
    expect((await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth)).status).toBe(200);
    // Rehashed under the current secret on that use.
    const rehashed = (await server.store.clients.get('app'))?.secretHash;
    expect(rehashed).not.toBe(storedUnderS1);
    expect(rehashed).toBe(new SecretHashing(ServerSecrets.from([S2])).clientSecrets.hash(APP.client_secret));
    const issuedUnderS2 = await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth);
    await server.stop();

    // The old secret retired: what was upgraded or issued since still works.
    server = await start(db, [S2]);
    expect((await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth)).status).toBe(200);
    expect((await postForm(`${server.url}/introspect`, `token=${issuedUnderS2.json.access_token as string}`, auth)).json.active).toBe(true);
    await server.stop();
  });
});

describe('a database of an earlier version', () => {
  it('verifies SHA-256 client secrets and a plain private key, and upgrades both', async () => {
    const db = join(work, 'legacy.db');
    const store = new SqliteStore(db);
    const client = clientFromMetadata(APP, 0, new SecretHashing(ServerSecrets.from([S1])));
    await store.clients.upsert({ ...client, secretHash: legacySha256(APP.client_secret) });
    const plain = await generateSigningKey(0);
    await store.keys.insert(plain);
    await store.close();

    const server = await start(db, [S1]);
    const sealed = (await server.store.keys.listActive())[0]?.privateJwk ?? {};
    expect(sealed.d).toBeUndefined();
    expect(sealed.sealed).toBe('A256GCM');
    const token = await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth);
    expect(token.status).toBe(200);
    const header = JSON.parse(Buffer.from((token.json.access_token as string).split('.')[0] as string, 'base64url').toString()) as { kid: string };
    expect(header.kid).toBe(plain.kid);
    const upgraded = (await server.store.clients.get('app'))?.secretHash;
    expect(upgraded).not.toBe(legacySha256(APP.client_secret));
    expect((await postForm(`${server.url}/token`, 'grant_type=client_credentials', auth)).status).toBe(200);
    await server.stop();
  });
});

describe('a stolen database alone', () => {
  it('cannot test guesses of a client secret: the stored hash is keyed, not SHA-256', () => {
    const hashing = new SecretHashing(ServerSecrets.from([S1]));
    const stored = clientFromMetadata(APP, 0, hashing).secretHash;
    expect(stored).not.toBe(legacySha256(APP.client_secret));
    expect(stored).not.toBe(new SecretHashing(ServerSecrets.from([S2])).clientSecrets.hash(APP.client_secret));
  });
});
