import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { DEFAULT_SETTINGS, serverSettings } from '../../src/server/settings.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// Security review finding 10: requestTimeout and connectionTimeout were 0, so a client sending a
// body one byte at a time kept its connection for hours. The bounds are settings; this test
// shrinks them so that it runs in seconds, and checks the defaults are bounded too.

let app: FastifyInstance;
let store: SqliteStore;
let port: number;

beforeAll(async () => {
  store = new SqliteStore(':memory:');
  app = await buildServer({
    settings: serverSettings({ issuer: 'http://127.0.0.1', timeouts: { headersMs: 1_000, requestMs: 2_000, idleMs: 1_500, keepAliveMs: 500 } }),
    store, logger: false, secrets: ServerSecrets.ephemeral(),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** Opens a connection, runs `drip` on it, and resolves with how long the server kept it open. */
function heldFor(drip: (write: (text: string) => void) => void, giveUpMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      socket.destroy();
      resolve(Date.now() - started);
    };
    socket.on('close', done);
    socket.on('error', done);
    socket.on('data', () => {});
    socket.on('connect', () => drip((text) => { if (!socket.destroyed) socket.write(text); }));
    setTimeout(done, giveUpMs).unref();
  });
}

describe('slow clients', () => {
  it('a body sent one byte every 200 ms is cut off at the request timeout', async () => {
    const held = await heldFor((write) => {
      write(`POST /token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\n\r\n`);
      const drip = setInterval(() => write('a'), 200);
      drip.unref();
    }, 20_000);
    expect(held).toBeLessThan(10_000);
  }, 30_000);

  it('headers sent one byte every 200 ms are cut off at the headers timeout', async () => {
    const held = await heldFor((write) => {
      write('GET /jwks HTTP/1.1\r\nhost: 127.0.0.1\r\n');
      const drip = setInterval(() => write('x'), 200);
      drip.unref();
    }, 20_000);
    expect(held).toBeLessThan(10_000);
  }, 30_000);

  it('a connection that sends nothing is closed when idle', async () => {
    const held = await heldFor(() => {}, 20_000);
    expect(held).toBeLessThan(10_000);
  }, 30_000);

  it('the server is configured with bounded timeouts', () => {
    expect(app.server.requestTimeout).toBe(2_000);
    expect(app.server.headersTimeout).toBe(1_000);
    expect(app.server.keepAliveTimeout).toBe(500);
    expect(DEFAULT_SETTINGS.timeouts.requestMs).toBeGreaterThan(0);
    expect(DEFAULT_SETTINGS.timeouts.requestMs).toBeLessThanOrEqual(60_000);
    expect(DEFAULT_SETTINGS.timeouts.headersMs).toBeLessThanOrEqual(DEFAULT_SETTINGS.timeouts.requestMs);
    expect(DEFAULT_SETTINGS.timeouts.idleMs).toBeGreaterThan(0);
  });
});
