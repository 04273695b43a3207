import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// Security review finding 11: a deleted user's tokens still introspected as active, and a client
// registered again under a deleted client's client_id inherited its consents. Deleting a user or
// a client revokes their grants; consents go with their client.

const CB = 'https://app.example/cb';
const APP = { client_id: 'app', client_name: 'App', client_secret: 'app-secret', grant_types: ['authorization_code', 'refresh_token', 'password'], redirect_uris: [CB], scope: 'read' };
const AUDITOR = { client_id: 'auditor', client_secret: 'auditor-secret', grant_types: ['client_credentials'] };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [APP, AUDITOR], users: [{ username: 'ann', password: 'ann-password' }, { username: 'bob', password: 'bob-password' }] });
});
afterAll(async () => server?.close());

const passwordTokens = (username: string) => postForm(`${server.issuer}/token`, `grant_type=password&username=${username}&password=${username}-password`, { authorization: basic('app', 'app-secret') });
const active = async (token: unknown) => (await postForm(`${server.issuer}/introspect`, `token=${String(token)}`, { authorization: basic('app', 'app-secret') })).json.active;

describe('deleting a user', () => {
  it('revokes their tokens at once', async () => {
    const tokens = await passwordTokens('bob');
    expect(await active(tokens.json.access_token)).toBe(true);
    expect(await server.store.users.delete('bob', server.clock.nowSeconds())).toBe(true);
    expect(await active(tokens.json.access_token)).toBe(false);
    expect(await active(tokens.json.refresh_token)).toBe(false);
  });
});

describe('deleting a client', () => {
  it('revokes its tokens, and a client registered again under its client_id inherits no consent', async () => {
    const agent = new UserAgent(server.issuer);
    const url = `/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB })}`;
    await authorizeAs(agent, url, { username: 'ann', password: 'ann-password' });
    expect((await agent.request(url)).status).toBe(303); // remembered
    const tokens = await passwordTokens('ann');

    expect(await server.store.clients.delete('app', server.clock.nowSeconds())).toBe(true);
    await server.store.clients.upsert(clientFromMetadata(APP, server.clock.nowSeconds(), server.hashing));
    const again = await agent.request(url);
    expect(again.status).toBe(200);
    expect(again.body).toContain('action="/consent"');
    expect(await active(tokens.json.access_token)).toBe(false);
  });
});
