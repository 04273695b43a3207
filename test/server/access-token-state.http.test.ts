import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUser } from '../../src/admin/seed.js';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { signJwt } from '../../src/keys/jws.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';

// Issue 12 §1: a JWT access token is self-contained. Issuing one writes nothing to the database;
// introspection verifies it and asks the deny list (types.ts AccessTokenDenyList) whether it, its
// grant family, or its user's or client's grants were ended; /revoke denies its jti until its exp.

const CB = 'https://app.example/cb';
const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['authorization_code', 'refresh_token', 'password', 'client_credentials', 'implicit'], response_types: ['code', 'token'], redirect_uris: [CB], scope: 'read write' };
const OTHER = { client_id: 'other', client_secret: 'other-secret', grant_types: ['client_credentials'], scope: 'read' };
const ANN = { username: 'ann', password: 'ann-password' };
const BOB = { username: 'bob', password: 'bob-password' };
const CAROL = { username: 'carol', password: 'carol-password' };

const app = { authorization: basic('app', 'app-secret') };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function introspect(server: RunningServer, token: unknown, auth = app): Promise<Record<string, unknown>> {
  return (await postForm(`${server.issuer}/introspect`, form({ token: String(token) }), auth)).json;
}
const active = async (server: RunningServer, token: unknown) => (await introspect(server, token)).active;

/** Everything the database changed since it was opened (SQLite's total_changes()). */
function totalChanges(store: Store): number {
  return ((store as SqliteStore).db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

describe('issuing access tokens', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ clients: [APP, OTHER], users: [ANN, BOB, CAROL] }); });
  afterAll(async () => server?.close());

  it('client_credentials writes nothing to the database', async () => {
    // A first request warms up whatever is read once (nothing is expected, but it must not count).
    expect((await postForm(`${server.issuer}/token`, 'grant_type=client_credentials', app)).status).toBe(200);
    const before = totalChanges(server.store);
    const rowsBefore = await server.store.tokens.count();
    for (let i = 0; i < 5; i++) {
      const issued = await postForm(`${server.issuer}/token`, 'grant_type=client_credentials&scope=read', app);
      expect(issued.status).toBe(200);
      expect(await active(server, issued.json.access_token)).toBe(true);
    }
    expect(totalChanges(server.store)).toBe(before);
    expect(await server.store.tokens.count()).toBe(rowsBefore);
    expect(await server.store.denials.count()).toBe(0);
  });

  it('a password grant stores its refresh token only; a refresh rotation stores one row more', async () => {
    const rows = await server.store.tokens.count();
    const issued = await postForm(`${server.issuer}/token`, form({ grant_type: 'password', username: 'ann', password: 'ann-password' }), app);
    expect(issued.status).toBe(200);
    expect(await server.store.tokens.count()).toBe(rows + 1);
    const refreshed = await postForm(`${server.issuer}/token`, form({ grant_type: 'refresh_token', refresh_token: String(issued.json.refresh_token) }), app);
    expect(refreshed.status).toBe(200);
    expect(await server.store.tokens.count()).toBe(rows + 2);
    expect(await active(server, refreshed.json.access_token)).toBe(true);
  });

  it('the implicit response type stores nothing', async () => {
    const agent = new UserAgent(server.issuer);
    const url = `/authorize?${form({ response_type: 'token', client_id: 'app', redirect_uri: CB, scope: 'read' })}`;
    const rows = await server.store.tokens.count();
    const back = await authorizeAs(agent, url, CAROL);
    const token = new URLSearchParams(back.hash.slice(1)).get('access_token');
    expect(token).toBeTruthy();
    expect(await server.store.tokens.count()).toBe(rows);
    expect(await active(server, token)).toBe(true);
  });
});

describe('what makes an access token inactive at introspection', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ clients: [APP, OTHER], users: [ANN, BOB, CAROL] }); });
  afterAll(async () => server?.close());

  const passwordTokens = async (user = ANN) => {
    const issued = await postForm(`${server.issuer}/token`, form({ grant_type: 'password', ...user }), app);
    expect(issued.status).toBe(200);
    return issued.json;
  };
  const codeTokens = async (user = ANN) => {
    const agent = new UserAgent(server.issuer);
    const back = await authorizeAs(agent, `/authorize?${form({ response_type: 'code', client_id: 'app', redirect_uri: CB, scope: 'read' })}`, user);
    const code = back.searchParams.get('code') ?? '';
    const redeem = () => postForm(`${server.issuer}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: CB }), app);
    const issued = await redeem();
    expect(issued.status).toBe(200);
    return { tokens: issued.json, redeem, agent };
  };

  it('revocation of the access token (RFC 7009), by its own client', async () => {
    const tokens = await passwordTokens();
    const sibling = await passwordTokens();
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(tokens.access_token) }), app)).status).toBe(200);
    expect(await active(server, tokens.access_token)).toBe(false);
    // Only that token: its refresh token and another token of the same user still work.
    expect(await active(server, tokens.refresh_token)).toBe(true);
    expect(await active(server, sibling.access_token)).toBe(true);
  });

  it('another client may not revoke it (RFC 7009 §2.1), and nothing is written', async () => {
    const tokens = await passwordTokens();
    const rows = await server.store.denials.count();
    const refused = await postForm(`${server.issuer}/revoke`, form({ token: String(tokens.access_token) }), { authorization: basic('other', 'other-secret') });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('unauthorized_client');
    expect(await server.store.denials.count()).toBe(rows);
    expect(await active(server, tokens.access_token)).toBe(true);
  });

  it('an anonymous caller, a wrong secret, or a JWT we did not sign adds no row', async () => {
    const tokens = await passwordTokens();
    const rows = await server.store.denials.count();
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(tokens.access_token) }))).status).toBe(401);
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(tokens.access_token) }), { authorization: basic('app', 'wrong') })).status).toBe(401);
    // A token shaped like ours, for this client, signed by someone else's key: not ours, 200 (RFC 7009 §2.2), no row.
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ client_id: 'app', scope: 'read', gid: 'forged' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'forged' }).setIssuer(server.issuer).setSubject('app').setAudience(server.issuer)
      .setIssuedAt(server.clock.nowSeconds()).setExpirationTime(server.clock.nowSeconds() + 300).setJti(`forged-${Date.now()}`).sign(privateKey);
    expect((await postForm(`${server.issuer}/revoke`, form({ token: forged }), app)).status).toBe(200);
    expect(await introspect(server, forged)).toEqual({ active: false });
    expect(await server.store.denials.count()).toBe(rows);
    expect(await active(server, tokens.access_token)).toBe(true);
  });

  it('revocation of its refresh token ends the whole grant, access tokens included', async () => {
    const tokens = await passwordTokens();
    const refreshed = await postForm(`${server.issuer}/token`, form({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }), app);
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(refreshed.json.refresh_token) }), app)).status).toBe(200);
    expect(await active(server, tokens.access_token)).toBe(false);
    expect(await active(server, refreshed.json.access_token)).toBe(false);
  });

  it('refresh-token reuse ends the grant (RFC 9700 §4.14.2)', async () => {
    const tokens = await passwordTokens();
    const refresh = () => postForm(`${server.issuer}/token`, form({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }), app);
    const first = await refresh();
    expect(first.status).toBe(200);
    // Past the retry window, the same refresh token again is a replay.
    server.clock.advance(server.config.settings.refreshRetryWindow + 1);
    expect((await refresh()).json.error).toBe('invalid_grant');
    expect(await active(server, tokens.access_token)).toBe(false);
    expect(await active(server, first.json.access_token)).toBe(false);
  });

  it('a replayed authorization code ends what it issued (RFC 6749 §4.1.2)', async () => {
    const { tokens, redeem } = await codeTokens();
    expect(await active(server, tokens.access_token)).toBe(true);
    expect((await redeem()).json.error).toBe('invalid_grant');
    expect(await active(server, tokens.access_token)).toBe(false);
  });

  it('a password change ends the user\'s grants, access tokens included; a token issued after works', async () => {
    const tokens = await passwordTokens(BOB);
    const other = await passwordTokens(CAROL);
    await upsertUser(server.store, 'bob', 'bob-new-password', server.clock.nowSeconds());
    expect(await active(server, tokens.access_token)).toBe(false);
    expect(await active(server, other.access_token)).toBe(true);
    server.clock.advance(1);
    const after = await postForm(`${server.issuer}/token`, form({ grant_type: 'password', username: 'bob', password: 'bob-new-password' }), app);
    expect(await active(server, after.json.access_token)).toBe(true);
  });

  it('withdrawn consent ends the user\'s tokens at that client', async () => {
    server.clock.advance(1);
    const { tokens, agent } = await codeTokens(CAROL);
    const ann = await passwordTokens(ANN);
    const account = await agent.request('/account');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(account.body)?.[1] ?? '';
    expect((await agent.request('/account/withdraw', { form: { csrf_token: csrf, client_id: 'app' } })).status).toBe(303);
    expect(await active(server, tokens.access_token)).toBe(false);
    expect(await active(server, ann.access_token)).toBe(true);
  });

  it('deleting the user, or the client, ends their tokens; a client registered again gets no old token back', async () => {
    server.clock.advance(1);
    const ann = await passwordTokens(ANN);
    const machine = await postForm(`${server.issuer}/token`, 'grant_type=client_credentials', { authorization: basic('other', 'other-secret') });
    expect(await introspect(server, machine.json.access_token, { authorization: basic('other', 'other-secret') })).toMatchObject({ active: true });
    expect(await server.store.users.delete('ann', server.clock.nowSeconds())).toBe(true);
    expect(await active(server, ann.access_token)).toBe(false);
    expect(await server.store.clients.delete('other', server.clock.nowSeconds())).toBe(true);
    await server.store.clients.upsert(clientFromMetadata(OTHER, server.clock.nowSeconds(), server.hashing));
    expect(await introspect(server, machine.json.access_token, { authorization: basic('other', 'other-secret') })).toEqual({ active: false });
  });

  it('an expired token is inactive, and revoking it adds no row', async () => {
    const machine = await postForm(`${server.issuer}/token`, 'grant_type=client_credentials', app);
    server.clock.advance(server.config.settings.accessTokenTtl);
    const rows = await server.store.denials.count();
    expect(await active(server, machine.json.access_token)).toBe(false);
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(machine.json.access_token) }), app)).status).toBe(200);
    expect(await server.store.denials.count()).toBe(rows);
  });
});

describe('access tokens of an earlier version (stored, no grant family in the JWT)', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ clients: [APP], users: [ANN] }); });
  afterAll(async () => server?.close());

  /** What an earlier version issued: the same JWT without `gid`, and a row with its hash. */
  async function legacyToken(familyId: string, stored = true): Promise<string> {
    const now = server.clock.nowSeconds();
    const ring = await KeyRing.load(server.store.keys, now, server.secrets);
    const jti = `legacy-${familyId}`;
    const token = signJwt({ typ: 'at+jwt' }, {
      iss: server.issuer, sub: 'user-legacy', aud: server.issuer, iat: now, exp: now + 300, jti, client_id: 'app', scope: 'read',
    }, ring.signer(now));
    if (stored) {
      await server.store.tokens.save({
        hash: server.hashing.tokens.hash(token), kind: 'access_token', jti, clientId: 'app', subject: 'user-legacy', userId: 'user-legacy',
        scope: ['read'], audience: server.issuer, issuedAt: now, expiresAt: now + 300, familyId, revokedAt: null, rotatedAt: null,
      });
    }
    return token;
  }

  it('stays active while its stored row is live, and ends with its family (revoked by the earlier version\'s rules)', async () => {
    const token = await legacyToken('legacy-family-1');
    expect(await introspect(server, token)).toMatchObject({ active: true, client_id: 'app', sub: 'user-legacy', scope: 'read' });
    await server.store.tokens.revokeFamily('legacy-family-1', server.clock.nowSeconds());
    expect(await active(server, token)).toBe(false);
  });

  it('without its row (purged) it is inactive; revoked by /revoke it is inactive', async () => {
    expect(await active(server, await legacyToken('legacy-family-2', false))).toBe(false);
    const token = await legacyToken('legacy-family-3');
    expect((await postForm(`${server.issuer}/revoke`, form({ token }), app)).status).toBe(200);
    expect(await active(server, token)).toBe(false);
  });
});

/** Two servers on one database, as `tessera serve` on two machines: revoke through one, introspect through the other. */
function acrossInstances(name: string, openStore: () => Promise<Store>): void {
  describe(`across two instances on one ${name} database`, () => {
    let first: RunningServer;
    let second: RunningServer;
    beforeAll(async () => {
      first = await startServer({ store: await openStore(), clients: [APP], users: [ANN, BOB] });
      second = await startServer({ store: await openStore(), secrets: first.secrets, flags: { issuer: first.issuer } });
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    const tokensFrom = async (server: RunningServer, user = ANN) =>
      (await postForm(`${server.issuer}/token`, form({ grant_type: 'password', ...user }), app)).json;

    it('a token revoked at one is inactive at the other', async () => {
      const tokens = await tokensFrom(first);
      expect(await active(second, tokens.access_token)).toBe(true);
      expect((await postForm(`${first.issuer}/revoke`, form({ token: String(tokens.access_token) }), app)).status).toBe(200);
      expect(await active(second, tokens.access_token)).toBe(false);
      expect(await active(first, tokens.access_token)).toBe(false);
    });

    it('a grant ended at one (refresh token revoked) is inactive at the other', async () => {
      const tokens = await tokensFrom(second);
      expect((await postForm(`${second.issuer}/revoke`, form({ token: String(tokens.refresh_token) }), app)).status).toBe(200);
      expect(await active(first, tokens.access_token)).toBe(false);
    });

    it('a user deleted through one store is inactive at the other', async () => {
      const tokens = await tokensFrom(first, BOB);
      expect(await active(second, tokens.access_token)).toBe(true);
      expect(await first.store.users.delete('bob', first.clock.nowSeconds())).toBe(true);
      expect(await active(second, tokens.access_token)).toBe(false);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-access-token-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
acrossInstances('SQLite', async () => new SqliteStore(join(dir, 'shared.db')));
const postgres = usePostgresSchemas();
let sharedSchemaUrl: Promise<string> | undefined;
acrossInstances('PostgreSQL', async () => PostgresStore.connect(await (sharedSchemaUrl ??= postgres.freshSchemaUrl())));
