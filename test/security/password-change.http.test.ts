import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUser } from '../../src/admin/seed.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { hiddenField, UserAgent } from '../helpers/user-agent.js';

// From the red team of issue 10: after `tessera user create alice` set a new password, the old
// session and refresh tokens kept working. A new password ends what the old one opened.

const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read' };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [APP], users: [{ username: 'alice', password: 'old-password' }] });
});
afterAll(async () => server?.close());

describe('changing a password', () => {
  it('ends the user\'s sessions and refresh tokens', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request('/login');
    await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: '/', username: 'alice', password: 'old-password' } });
    expect((await agent.request('/account')).status).toBe(200);
    const tokens = await postForm(`${server.issuer}/token`, 'grant_type=password&username=alice&password=old-password', { authorization: basic('app', 'app-secret') });
    expect(tokens.status).toBe(200);

    await upsertUser(server.store, 'alice', 'new-password', server.clock.nowSeconds());

    expect((await agent.request('/account')).status).toBe(303);
    const refreshed = await postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${String(tokens.json.refresh_token)}`, { authorization: basic('app', 'app-secret') });
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('setting the same password again ends nothing', async () => {
    const tokens = await postForm(`${server.issuer}/token`, 'grant_type=password&username=alice&password=new-password', { authorization: basic('app', 'app-secret') });
    await upsertUser(server.store, 'alice', 'new-password', server.clock.nowSeconds());
    const refreshed = await postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${String(tokens.json.refresh_token)}`, { authorization: basic('app', 'app-secret') });
    expect(refreshed.status).toBe(200);
  });
});
