import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePurgeOptions, startExpiryPurge } from '../../src/server/expiry-purge.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Red team of issue 12 (#4): `tessera serve` started the expiry purge without the access-token
// lifetime, so the deny list's family and cut-off rows were kept 366 days, and any user adds
// family rows by revoking refresh tokens. The purge serve runs keeps them for this server's
// lifetime plus a day: every token they could deny has expired by then.

const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read' };
const app = { authorization: basic('app', 'app-secret') };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
let server: RunningServer;

beforeAll(async () => { server = await startServer({ clients: [APP], users: [{ username: 'ivy', password: 'ivy-password' }] }); });
afterAll(async () => server?.close());

describe('the purge tessera serve runs', () => {
  it('deletes family and cut-off rows once the access-token lifetime and a day have passed', async () => {
    const issued = await postForm(`${server.issuer}/token`, form({ grant_type: 'password', username: 'ivy', password: 'ivy-password' }), app);
    expect(issued.status).toBe(200);
    expect((await postForm(`${server.issuer}/revoke`, form({ token: String(issued.json.refresh_token) }), app)).status).toBe(200);
    const ivy = await server.store.users.getByUsername('ivy');
    await server.store.users.endSessions(ivy?.id ?? '', server.clock.nowSeconds());
    const rows = await server.store.denials.count();
    expect(rows).toBeGreaterThanOrEqual(2);

    const purge = startExpiryPurge(server.store, { ...servePurgeOptions(server.config.settings, server.clock), firstDelayMs: 3_600_000 });
    try {
      const ttl = server.config.settings.accessTokenTtl;
      expect(ttl).toBeLessThan(86_400);
      // Some of their tokens may still be live: kept.
      server.clock.advance(ttl);
      await purge.purgeNow();
      expect(await server.store.denials.count()).toBe(rows);
      // The lifetime and a day later (the cut-off is dated from the real clock when it commits).
      server.clock.advance(Math.max(0, Math.floor(Date.now() / 1000) - server.clock.nowSeconds() + ttl) + 86_400 + 2);
      await purge.purgeNow();
      expect(await server.store.denials.count()).toBe(0);
      // A revoked family's token is no longer checked against anything: it has long expired.
      expect((await postForm(`${server.issuer}/introspect`, form({ token: String(issued.json.access_token) }), app)).json.active).toBe(false);
    } finally {
      purge.stop();
    }
  });
});
