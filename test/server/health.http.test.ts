import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close().catch(() => undefined);
  server = undefined;
});

describe('/healthz and /readyz', () => {
  it('answer 200 with no-store while the database answers', async () => {
    server = await startServer();
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${server.issuer}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('/readyz answers 503 temporarily_unavailable when the database fails; /healthz still 200', async () => {
    const store = new SqliteStore(':memory:');
    server = await startServer({ store });
    store.db.close();
    const ready = await fetch(`${server.issuer}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await fetch(`${server.issuer}/healthz`)).status).toBe(200);
  });

  it('/readyz answers 503 within its timeout when the database hangs', async () => {
    const store = new SqliteStore(':memory:');
    server = await startServer({ store });
    store.ping = () => new Promise<void>(() => undefined);
    const started = Date.now();
    const ready = await fetch(`${server.issuer}/readyz`);
    expect(ready.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
