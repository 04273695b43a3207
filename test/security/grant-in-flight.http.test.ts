import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUser } from '../../src/admin/seed.js';
import type { User } from '../../src/store/types.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// Red team of issue 12 (#2): a password grant reads the user's hash, runs argon2 for a while, then
// mints. A deletion or password change that commits in between dated its cut-off before the new
// token's iat and revoked refresh tokens before the new one was saved: the grant's tokens stayed
// active. Here the change commits right after the grant's read of the user (the store runs it
// in that read's place, a real SQLite store), exactly the interleaving the red team hit.

const CB = 'https://app.example/cb';
const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token', 'authorization_code'], response_types: ['code'], redirect_uris: [CB], scope: 'read' };
const app = { authorization: basic('app', 'app-secret') };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [APP], users: [{ username: 'dora', password: 'dora-password' }, { username: 'eve', password: 'eve-password' }, { username: 'fay', password: 'fay-password' }, { username: 'gil', password: 'gil-password' }, { username: 'hal', password: 'hal-password' }] });
});
afterAll(async () => server?.close());

/** After the next read of `username`'s row, `change` commits, before the caller gets the row. */
function changeAfterNextRead(username: string, change: () => Promise<unknown>): void {
  const users = server.store.users;
  const read = users.getByUsername.bind(users);
  users.getByUsername = async (name: string): Promise<User | undefined> => {
    const row = await read(name);
    if (name === username) {
      users.getByUsername = read;
      await change();
    }
    return row;
  };
}

/** After the next read of the user `id` by id, that user is deleted, before the caller gets the row. */
function deleteAfterNextReadById(id: string, username: string): void {
  const users = server.store.users;
  const read = users.getById.bind(users);
  users.getById = async (wanted: string): Promise<User | undefined> => {
    const row = await read(wanted);
    if (wanted === id) {
      users.getById = read;
      await users.delete(username, server.clock.nowSeconds());
    }
    return row;
  };
}

const passwordGrant = (username: string, password: string) =>
  postForm(`${server.issuer}/token`, form({ grant_type: 'password', username, password }), app);
const active = async (token: unknown) =>
  (await postForm(`${server.issuer}/introspect`, form({ token: String(token) }), app)).json.active;

describe('a password grant in flight', () => {
  it('hands out nothing when the user is deleted while the password is checked', async () => {
    changeAfterNextRead('dora', () => server.store.users.delete('dora', server.clock.nowSeconds()));
    const issued = await passwordGrant('dora', 'dora-password');
    if (issued.status === 200) expect(await active(issued.json.access_token)).toBe(false);
    expect(issued.status).toBe(400);
    expect(issued.json.error).toBe('invalid_grant');
  });

  it('hands out nothing when the password changes while the old one is checked', async () => {
    changeAfterNextRead('eve', () => upsertUser(server.store, 'eve', 'eve-new-password', server.clock.nowSeconds()));
    const issued = await passwordGrant('eve', 'eve-password');
    if (issued.status === 200) {
      expect(await active(issued.json.access_token)).toBe(false);
      const refreshed = await postForm(`${server.issuer}/token`, form({ grant_type: 'refresh_token', refresh_token: String(issued.json.refresh_token) }), app);
      expect(refreshed.status).toBe(400);
    }
    expect(issued.status).toBe(400);
    expect(issued.json.error).toBe('invalid_grant');
    // The new password works (from the next second: a cut-off also ends tokens of its own second).
    // The cut-off is dated by the real clock when it commits; the server's clock is a manual one.
    server.clock.advance(Math.floor(Date.now() / 1000) - server.clock.nowSeconds() + 2);
    const fresh = await passwordGrant('eve', 'eve-new-password');
    expect(fresh.status).toBe(200);
    expect(await active(fresh.json.access_token)).toBe(true);
  });

  it('a grant with no change in flight is unaffected', async () => {
    const issued = await passwordGrant('fay', 'fay-password');
    expect(issued.status).toBe(200);
    expect(await active(issued.json.access_token)).toBe(true);
  });
});

// The other grants that act for a user read the user, mint, then commit one atomic step that
// endGrants conflicts with: codes.redeem needs the code row a deletion removes, rotateRefreshToken
// needs the refresh token a deletion revokes (on PostgreSQL both also take the family's lock first).
describe('other grants in flight when their user is deleted', () => {
  it('an authorization code redeemed while its user is deleted yields nothing', async () => {
    const agent = new UserAgent(server.issuer);
    const back = await authorizeAs(agent, `/authorize?${form({ response_type: 'code', client_id: 'app', redirect_uri: CB, scope: 'read' })}`, { username: 'gil', password: 'gil-password' });
    const gil = await server.store.users.getByUsername('gil');
    deleteAfterNextReadById(gil?.id ?? '', 'gil');
    const redeemed = await postForm(`${server.issuer}/token`, form({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: CB }), app);
    if (redeemed.status === 200) expect(await active(redeemed.json.access_token)).toBe(false);
    expect(redeemed.status).toBe(400);
    expect(redeemed.json.error).toBe('invalid_grant');
  });

  it('a refresh token rotated while its user is deleted yields nothing', async () => {
    const issued = await passwordGrant('hal', 'hal-password');
    expect(issued.status).toBe(200);
    const hal = await server.store.users.getByUsername('hal');
    deleteAfterNextReadById(hal?.id ?? '', 'hal');
    const refreshed = await postForm(`${server.issuer}/token`, form({ grant_type: 'refresh_token', refresh_token: String(issued.json.refresh_token) }), app);
    if (refreshed.status === 200) expect(await active(refreshed.json.access_token)).toBe(false);
    expect(refreshed.status).toBe(400);
    expect(refreshed.json.error).toBe('invalid_grant');
  });
});
