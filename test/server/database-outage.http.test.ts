import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

const TIMEOUT_MS = 1_500;

/**
 * PostgreSQL stopped and frozen under a running Tessera: 503 temporarily_unavailable with
 * Retry-After within the timeout, never 500 or a hang, and recovery without a restart. The test
 * runs a cluster of its own, so stopping it disturbs no other test.
 */
describe.skipIf(!ThrowawayPostgres.available())('a PostgreSQL that stops or freezes', () => {
  let cluster: ThrowawayPostgres;
  let server: RunningServer;
  const token = () => postForm(`${server.issuer}/token`, 'grant_type=client_credentials&scope=read', { authorization: basic('app', 'app-secret') });

  beforeAll(async () => {
    cluster = ThrowawayPostgres.create();
    cluster.start();
    server = await startServer({
      store: await PostgresStore.connect(cluster.url, { timeoutMs: TIMEOUT_MS }),
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['client_credentials'], scope: 'read' }],
    });
  }, 60_000);
  afterAll(async () => {
    cluster?.thaw();
    await server?.close();
    cluster?.remove();
  });

  it('answers 503 with Retry-After while stopped, and 200 again once started, without a restart', async () => {
    expect((await token()).status).toBe(200);
    cluster.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const response = await token();
      expect(response.status).toBe(503);
      expect(response.json.error).toBe('temporarily_unavailable');
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    }
    // A browser gets a page, not JSON. (A client the server has not looked up yet: 'app' is in its
    // client cache, which answers without the database for up to 10 s, store/registry-cache.ts.)
    const page = await fetch(`${server.issuer}/authorize?client_id=web-app&response_type=code`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');
    cluster.start();
    expect((await token()).status).toBe(200);
  }, 60_000);

  it('answers 503 within the timeout while frozen (SIGSTOP), never hangs, and recovers on SIGCONT', async () => {
    expect((await token()).status).toBe(200);
    cluster.freeze();
    try {
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 5 }, () => token()));
      expect(responses.map((r) => r.status)).toEqual(Array(5).fill(503));
      expect(responses[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
      // connect timeout, or statement read timeout (timeout + 1 s), plus slack
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 2 + 3_000);
    } finally {
      cluster.thaw();
    }
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await token()).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  }, 60_000);
});
