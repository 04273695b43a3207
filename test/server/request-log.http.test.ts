import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

const SERVICE = { client_id: 'inventory', client_secret: 'inventory-secret-value', grant_types: ['client_credentials'], scope: 'read' };

/** A log destination the test reads: one parsed JSON object per line. */
function logLines() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  return { lines, raw: () => raw, stream: { write(line: string) { raw += line; lines.push(JSON.parse(line) as Record<string, unknown>); } } };
}

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  running.push(server);
  return server;
}

const tokenRequest = (issuer: string, headers: Record<string, string> = {}) => fetch(`${issuer}/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${SERVICE.client_id}:${SERVICE.client_secret}`).toString('base64')}`, ...headers },
  body: 'grant_type=client_credentials&scope=read',
});

describe('request ids', () => {
  it('differ across two servers and requests, and are returned in X-Request-Id', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const ids = [];
    for (const server of [a, b, a, b]) {
      const response = await fetch(`${server.issuer}/healthz`);
      ids.push(response.headers.get('x-request-id'));
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(4);
  });

  it('keep a caller-sent X-Request-Id only from a --trust-proxy peer', async () => {
    const direct = await start();
    expect((await fetch(`${direct.issuer}/healthz`, { headers: { 'x-request-id': 'from-proxy-1' } })).headers.get('x-request-id')).not.toBe('from-proxy-1');
    const proxied = await start({ flags: { trustProxy: '127.0.0.1' } });
    expect((await fetch(`${proxied.issuer}/healthz`, { headers: { 'x-request-id': 'from-proxy-1' } })).headers.get('x-request-id')).toBe('from-proxy-1');
    // From a peer that is not the trusted proxy: ignored.
    const elsewhere = await start({ flags: { trustProxy: '10.0.0.1,192.168.0.0/16' } });
    expect((await fetch(`${elsewhere.issuer}/healthz`, { headers: { 'x-request-id': 'from-proxy-1' } })).headers.get('x-request-id')).not.toBe('from-proxy-1');
    const named = await start({ flags: { trustProxy: 'loopback' } });
    expect((await fetch(`${named.issuer}/healthz`, { headers: { 'x-request-id': 'from-proxy-2' } })).headers.get('x-request-id')).toBe('from-proxy-2');
    // Too long, or not printable ASCII: replaced by one of ours.
    const long = 'x'.repeat(65);
    expect((await fetch(`${proxied.issuer}/healthz`, { headers: { 'x-request-id': long } })).headers.get('x-request-id')).not.toBe(long);
  });
});

describe('the request log', () => {
  it('has one info line per request with method, route, status, duration and client_id, and no secret', async () => {
    const log = logLines();
    const server = await start({ clients: [SERVICE], flags: { logLevel: 'info' }, server: { logStream: log.stream } });
    const response = await tokenRequest(server.issuer);
    const body = await response.json() as { access_token: string };
    const line = log.lines.find((entry) => entry.msg === 'request' && entry.route === '/token');
    expect(line).toMatchObject({ level: 30, method: 'POST', route: '/token', status: 200, client_id: SERVICE.client_id, reqId: response.headers.get('x-request-id') });
    expect(typeof line?.ms).toBe('number');
    expect(log.raw()).not.toContain(SERVICE.client_secret);
    expect(log.raw()).not.toContain(body.access_token);
  });

  it('is switched off with --log-requests false', async () => {
    const log = logLines();
    const server = await start({ flags: { logLevel: 'info', logRequests: 'false' }, server: { logStream: log.stream } });
    await fetch(`${server.issuer}/healthz`);
    expect(log.lines.filter((entry) => entry.msg === 'request')).toEqual([]);
  });

  it('shows err.code (ECONNREFUSED) instead of redacting it', async () => {
    const log = logLines();
    const server = await start({ flags: { logLevel: 'info' }, server: { logStream: log.stream } });
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    server.app.log.error({ err: error }, 'database down');
    expect(log.lines.find((entry) => entry.msg === 'database down')).toMatchObject({ err: { code: 'ECONNREFUSED' } });
  });
});
