import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { boundPort, closeHttp, listenHttp, serveWhenReady } from '../../src/server/http-listener.js';

// The bench found it: a request that arrived while `tessera serve` was still building its routes
// (the port listens first, for --port 0) crashed the process inside Fastify.
describe('serveWhenReady', () => {
  it('answers 503 with Retry-After until the app is ready, then hands requests to it', async () => {
    const http = await listenHttp(0, '127.0.0.1');
    const gate = serveWhenReady(http);
    const app = Fastify({ serverFactory: gate.factory });
    app.get('/ping', async () => ({ ok: true }));
    const url = `http://127.0.0.1:${boundPort(http)}/ping`;
    const early = await fetch(url);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect((await early.json() as { error: string }).error).toBe('temporarily_unavailable');
    await app.ready();
    gate.open();
    const ready = await fetch(url);
    expect(ready.status).toBe(200);
    await app.close();
    await closeHttp(http);
  });
});
