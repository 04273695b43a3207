import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

// CORS per endpoint (docs/SECURITY.md "CORS") and metadata at every path a client tries (RFC 8414 §3.1).
const ORIGIN = 'https://spa.example';

describe('CORS', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ flags: { dynamicRegistration: 'open' } });
  });
  afterAll(async () => server.close());

  const preflight = (path: string, method: string) => fetch(`${server.issuer}${path}`, {
    method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
  });

  it.each([
    ['/.well-known/oauth-authorization-server', 'GET'], ['/.well-known/openid-configuration', 'GET'], ['/jwks', 'GET'],
    ['/token', 'POST'], ['/revoke', 'POST'], ['/introspect', 'POST'], ['/register', 'POST'], ['/register/some-client', 'PUT'], ['/userinfo', 'GET'],
  ])('%s answers the preflight for %s, any origin, without credentials', async (path, method) => {
    const response = await preflight(path, method);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain(method);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('mcp-protocol-version');
    expect(response.headers.has('access-control-allow-credentials')).toBe(false);
  });

  it('the endpoints themselves carry the headers, the challenge readable', async () => {
    for (const [path, init] of [
      ['/.well-known/oauth-authorization-server', {}], ['/jwks', {}],
      ['/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) }],
      ['/revoke', { method: 'POST', body: new URLSearchParams({ token: 'x' }) }],
      ['/introspect', { method: 'POST', body: new URLSearchParams({ token: 'x' }) }],
      ['/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
      ['/userinfo', {}],
    ] as [string, RequestInit][]) {
      const response = await fetch(`${server.issuer}${path}`, { ...init, headers: { ...init.headers as Record<string, string>, origin: ORIGIN } });
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.has('access-control-allow-credentials'), path).toBe(false);
      expect(response.headers.get('access-control-expose-headers'), path).toContain('WWW-Authenticate');
    }
  });

  it.each(['/authorize', '/login', '/consent', '/account', '/end_session', '/logout'])('never on %s (nor its preflight)', async (path) => {
    const response = await preflight(path, 'POST');
    expect(response.headers.has('access-control-allow-origin')).toBe(false);
    expect(response.status).not.toBe(204);
    const page = await fetch(`${server.issuer}${path}`, { headers: { origin: ORIGIN }, redirect: 'manual' });
    expect(page.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('no CORS on /register when registration is off', async () => {
    const off = await startServer();
    try {
      const response = await fetch(`${off.issuer}/register`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
      expect(response.headers.has('access-control-allow-origin')).toBe(false);
    } finally {
      await off.close();
    }
  });
});

describe('discovery for an issuer with a path', () => {
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer({ flags: { issuer: 'https://as.example/tenant', dynamicRegistration: 'open' } });
    const address = server.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => server.close());

  it('serves the same document at every path a client tries, with code_challenge_methods_supported', async () => {
    const paths = [
      '/.well-known/oauth-authorization-server/tenant', '/.well-known/openid-configuration/tenant',
      '/tenant/.well-known/openid-configuration', '/tenant/.well-known/oauth-authorization-server',
      '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration',
    ];
    const documents = await Promise.all(paths.map(async (path) => {
      const response = await fetch(`${base}${path}`, { headers: { origin: ORIGIN } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      return response.json() as Promise<Record<string, unknown>>;
    }));
    for (const document of documents) expect(document).toEqual(documents[0]);
    expect(documents[0]).toMatchObject({
      issuer: 'https://as.example/tenant', token_endpoint: 'https://as.example/tenant/token', registration_endpoint: 'https://as.example/tenant/register',
      code_challenge_methods_supported: ['S256'],
    });
    expect((await fetch(`${base}/.well-known/oauth-authorization-server/other`)).status).toBe(404);
  });
});
