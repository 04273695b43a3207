import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSeconds, FetchedJsonCache, safeFetchJson, SafeFetchError } from '../../src/core/safe-fetch.js';

// The SSRF-safe fetcher against local servers: every limit, and the address rule itself.
let server: Server;
let origin: string;
let hits = 0;
let switchHits = 0;
let switchMode: 'ok' | 'fail' | 'slow' = 'ok';

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/ok': (_q, r) => r.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' }).end('{"hello":"world"}'),
  '/counted': (_q, r) => { hits += 1; r.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=120' }).end(`{"hit":${hits}}`); },
  '/big': (_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ padding: 'x'.repeat(10_000) })),
  // No content-length: the limit must hold while streaming.
  '/big-chunked': (_q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.write(`{"padding":"${'x'.repeat(4000)}`); r.write(`${'y'.repeat(4000)}"}`); r.end(); },
  '/slow': (_q, r) => { setTimeout(() => r.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 2_000); },
  '/trickle': (_q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.write('{"a":'); setTimeout(() => r.end('1}'), 2_000); },
  '/redirect': (_q, r) => r.writeHead(302, { location: '/ok' }).end(),
  '/html': (_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'),
  '/broken': (_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"not json'),
  '/switch': (_q, r) => {
    switchHits += 1;
    if (switchMode === 'fail') return void r.writeHead(500, { 'content-type': 'application/json' }).end('{}');
    const send = () => r.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(`{"version":${switchHits}}`);
    if (switchMode === 'slow') setTimeout(send, 1_500);
    else send();
  },
  '/missing': (_q, r) => r.writeHead(404, { 'content-type': 'application/json' }).end('{}'),
};

beforeAll(async () => {
  server = createServer((request, response) => (routes[new URL(request.url ?? '/', 'http://x').pathname] ?? routes['/missing']!)(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const dev = { allowPrivateHosts: true };
async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'fetched';
  } catch (error) {
    return error instanceof SafeFetchError ? error.reason : `unexpected: ${String(error)}`;
  }
}

describe('safeFetchJson', () => {
  it('fetches JSON and reads its max-age', async () => {
    expect(await safeFetchJson(`${origin}/ok`, dev)).toEqual({ json: { hello: 'world' }, maxAgeSeconds: 600 });
  });

  it('resolves a host name once and connects to that address (the pinned lookup)', async () => {
    const port = new URL(origin).port;
    expect((await safeFetchJson(`http://localhost:${port}/ok`, dev)).json).toEqual({ hello: 'world' });
  });

  it('refuses loopback without the development flag, and http anywhere else', async () => {
    expect(await reason(safeFetchJson(`${origin}/ok`))).toBe('bad_url');
    expect(await reason(safeFetchJson(`https://127.0.0.1:${new URL(origin).port}/ok`))).toBe('refused_address');
    expect(await reason(safeFetchJson('https://[::1]/ok'))).toBe('refused_address');
    expect(await reason(safeFetchJson('https://169.254.169.254/latest/meta-data'))).toBe('refused_address');
    expect(await reason(safeFetchJson('https://[::ffff:127.0.0.1]/x'))).toBe('refused_address');
    expect(await reason(safeFetchJson('https://localhost/x'))).toBe('refused_address');
    expect(await reason(safeFetchJson('http://example.com/x', dev))).toBe('bad_url');
    expect(await reason(safeFetchJson('https://user:pw@example.com/x'))).toBe('bad_url');
    expect(await reason(safeFetchJson('ftp://example.com/x'))).toBe('bad_url');
  });

  it('enforces the size limit, with and without content-length', async () => {
    expect(await reason(safeFetchJson(`${origin}/big`, dev))).toBe('too_large');
    expect(await reason(safeFetchJson(`${origin}/big-chunked`, dev))).toBe('too_large');
  });

  it('enforces the total time limit, also on a response that trickles', async () => {
    const started = Date.now();
    expect(await reason(safeFetchJson(`${origin}/slow`, { ...dev, timeoutMs: 300 }))).toBe('timeout');
    expect(await reason(safeFetchJson(`${origin}/trickle`, { ...dev, timeoutMs: 300 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('follows no redirect, and wants 200 with a JSON body', async () => {
    expect(await reason(safeFetchJson(`${origin}/redirect`, dev))).toBe('redirect');
    expect(await reason(safeFetchJson(`${origin}/html`, dev))).toBe('content_type');
    expect(await reason(safeFetchJson(`${origin}/broken`, dev))).toBe('not_json');
    expect(await reason(safeFetchJson(`${origin}/missing`, dev))).toBe('status');
  });
});

describe('cacheSeconds', () => {
  it('bounds max-age between the minimum and the maximum', () => {
    expect(cacheSeconds(undefined, 60, 86_400)).toBe(60);
    expect(cacheSeconds('max-age=5', 60, 86_400)).toBe(60);
    expect(cacheSeconds('public, max-age=3600', 60, 86_400)).toBe(3600);
    expect(cacheSeconds('max-age=99999999', 60, 86_400)).toBe(86_400);
    expect(cacheSeconds('no-store', 60, 86_400)).toBe(60);
  });
});

describe('FetchedJsonCache', () => {
  it('keeps a document for its max-age, shares one fetch among concurrent callers, and stays bounded', async () => {
    let now = 1_000_000;
    const cache = new FetchedJsonCache({ ...dev, maxEntries: 2 }, () => now);
    hits = 0;
    const [a, b] = await Promise.all([cache.get(`${origin}/counted`), cache.get(`${origin}/counted`)]);
    expect(a).toEqual({ hit: 1 });
    expect(b).toEqual({ hit: 1 });
    now += 119_000;
    expect(await cache.get(`${origin}/counted`)).toEqual({ hit: 1 });
    now += 2_000;
    expect(await cache.get(`${origin}/counted`)).toEqual({ hit: 2 });
    // Two other URLs push the oldest out: the next read fetches again.
    await cache.get(`${origin}/ok`);
    await cache.get(`${origin}/ok?again`);
    expect(await cache.get(`${origin}/counted`)).toEqual({ hit: 3 });
  });

  it('remembers a failure for a minute: no second fetch meanwhile', async () => {
    let now = 1_000_000;
    let fetches = 0;
    const cache = new FetchedJsonCache(dev, () => now, (url, options) => { fetches += 1; return safeFetchJson(url, options); });
    expect(await reason(cache.get(`${origin}/missing`))).toBe('status');
    expect(await reason(cache.get(`${origin}/missing`))).toBe('status');
    expect(fetches).toBe(1);
    now += 61_000;
    expect(await reason(cache.get(`${origin}/missing`))).toBe('status');
    expect(fetches).toBe(2);
  });

  it('caps the fetches one caller has running, so another caller still gets its documents', async () => {
    const cache = new FetchedJsonCache({ ...dev, maxInFlightPerCaller: 2, maxInFlightPerHost: 10, timeoutMs: 3_000 });
    const slow = [cache.get(`${origin}/slow?1`, 'attacker'), cache.get(`${origin}/slow?2`, 'attacker')];
    expect(await reason(cache.get(`${origin}/ok`, 'attacker'))).toBe('busy');
    expect(await cache.get(`${origin}/ok`, 'someone-else')).toEqual({ hello: 'world' });
    await Promise.all(slow);
    // Slots are given back when the fetches end.
    expect(await cache.get(`${origin}/ok?after`, 'attacker')).toEqual({ hello: 'world' });
  });

  it('caps the fetches running to one host, so a slow document server does not take every slot', async () => {
    const cache = new FetchedJsonCache({ ...dev, maxInFlightPerHost: 1, timeoutMs: 3_000 });
    const slow = cache.get(`${origin}/slow`, 'a');
    expect(await reason(cache.get(`${origin}/ok`, 'b'))).toBe('busy');
    // Another host (localhost, same server) is not held up.
    expect(await cache.get(`${origin.replace('127.0.0.1', 'localhost')}/ok`, 'b')).toEqual({ hello: 'world' });
    await slow;
  });

  it('serves a known document\'s last good copy while its refetch is failing or busy, for at most an hour past its max-age', async () => {
    let now = 1_000_000;
    const cache = new FetchedJsonCache({ ...dev, timeoutMs: 3_000 }, () => now);
    switchMode = 'ok';
    switchHits = 0;
    expect(await cache.get(`${origin}/switch`)).toEqual({ version: 1 });
    // Expired, and the document server fails: the last good copy.
    now += 61_000;
    switchMode = 'fail';
    expect(await cache.get(`${origin}/switch`)).toEqual({ version: 1 });
    expect(switchHits).toBe(2);
    // The failure is remembered for a minute: still the last good copy, without a fetch.
    expect(await cache.get(`${origin}/switch`)).toEqual({ version: 1 });
    expect(switchHits).toBe(2);
    // A slow refetch: the caller that started it waits for it (within the fetch's time limit);
    // the others get the last good copy meanwhile instead of waiting.
    now += 61_000;
    switchMode = 'slow';
    const refetch = cache.get(`${origin}/switch`);
    expect(await cache.get(`${origin}/switch`)).toEqual({ version: 1 });
    expect(await refetch).toEqual({ version: 3 });
    expect(await cache.get(`${origin}/switch`)).toEqual({ version: 3 });
    // More than an hour past its max-age, a failing document is not served any more.
    now += 60_000 + 3_601_000;
    switchMode = 'fail';
    expect(await reason(cache.get(`${origin}/switch`))).toBe('status');
    // A document never fetched well has no copy to fall back on.
    expect(await reason(cache.get(`${origin}/missing?never`))).toBe('status');
  });

  it('refuses to start more than maxInFlight fetches at once', async () => {
    const cache = new FetchedJsonCache({ ...dev, maxInFlight: 1, timeoutMs: 3_000 });
    const slow = cache.get(`${origin}/slow`);
    expect(await reason(cache.get(`${origin}/ok`))).toBe('busy');
    await slow;
  });
});
