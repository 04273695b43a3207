import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/server/settings.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 16 (HSTS, revocation auth methods) and finding 5 (access-token lifetime).

describe('an https issuer', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ flags: { issuer: 'https://as.example' } }); });
  afterAll(async () => server?.close());

  it('sends Strict-Transport-Security on every response', async () => {
    const address = server.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const path of ['/.well-known/oauth-authorization-server', '/jwks', '/login', '/nowhere']) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get('strict-transport-security'), path).toMatch(/max-age=\d{7,}/);
    }
  });
});

describe('an http issuer (local development)', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => server?.close());

  it('sends no HSTS, which browsers would ignore over http anyway', async () => {
    const response = await fetch(`${server.issuer}/jwks`);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('lists none among the revocation endpoint auth methods, since public clients may revoke (RFC 7009 §2.1)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json() as Record<string, string[]>;
    expect(metadata.revocation_endpoint_auth_methods_supported).toContain('none');
    expect(metadata.introspection_endpoint_auth_methods_supported).not.toContain('none');
  });
});

describe('access-token lifetime', () => {
  it('defaults to five minutes', () => {
    expect(DEFAULT_SETTINGS.accessTokenTtl).toBe(300);
  });
});
