import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
const schema = `tessera_http_${randomBytes(6).toString('hex')}`;
let admin: pg.Pool;
let server: RunningServer;

/** The whole server on PostgreSQL: the pool runs statements truly in parallel, unlike SQLite. */
describe('Tessera on PostgreSQL', () => {
  beforeAll(async () => {
    if (!baseUrl) throw new Error('TESSERA_TEST_POSTGRES_URL is not set; see test/setup/postgres.ts.');
    admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    server = await startServer({
      store: await PostgresStore.connect(url.toString()),
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token', 'client_credentials'], scope: 'read write' }],
      users: [{ username: 'pat', password: 'pat-password' }],
    });
  });
  afterAll(async () => {
    await server?.close();
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  const auth = () => ({ authorization: basic('app', 'app-secret') });

  it('issues, introspects and revokes', async () => {
    const token = await postForm(`${server.issuer}/token`, 'grant_type=client_credentials&scope=read', auth());
    expect(token.status).toBe(200);
    const active = await postForm(`${server.issuer}/introspect`, `token=${token.json.access_token}`, auth());
    expect(active.json).toMatchObject({ active: true, scope: 'read' });
    expect((await postForm(`${server.issuer}/revoke`, `token=${token.json.access_token}`, auth())).status).toBe(200);
    expect((await postForm(`${server.issuer}/introspect`, `token=${token.json.access_token}`, auth())).json).toEqual({ active: false });
  });

  it('rotates a refresh token once under 20 parallel uses: all get the same new pair, and the grant stays alive', async () => {
    const tokens = await postForm(`${server.issuer}/token`, 'grant_type=password&username=pat&password=pat-password', auth());
    expect(tokens.status).toBe(200);
    const refresh = (token: string) => postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${token}`, auth());
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens.json.refresh_token as string)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => `${r.json.access_token} ${r.json.refresh_token}`)).size).toBe(1);
    const successor = results[0]!.json.refresh_token as string;
    expect((await refresh(successor)).status).toBe(200);
    // Used once, the successor retired its predecessor for good: presenting that again is a replay.
    const replay = await refresh(tokens.json.refresh_token as string);
    expect(replay.json.error).toBe('invalid_grant');
    expect((await postForm(`${server.issuer}/introspect`, `token=${results[0]!.json.access_token as string}`, auth())).json).toEqual({ active: false });
  });
});
