import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('reads flags over TESSERA_* over defaults', () => {
    const config = loadConfig({ port: '9100' }, { TESSERA_PORT: '1', TESSERA_DB: 'sqlite:/tmp/x.db', TESSERA_ACCESS_TOKEN_TTL: '60' });
    expect(config.port).toBe(9100);
    expect(config.db).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(config.settings.accessTokenTtl).toBe(60);
    expect(config.settings.issuer).toBe('http://127.0.0.1:9100');
    expect(config.settings.audience).toBe(config.settings.issuer);
  });
  it('reads the refresh retry window: 30 s by default, 0 turns retries off, at most 300', () => {
    expect(loadConfig({}, {}).settings.refreshRetryWindow).toBe(30);
    expect(loadConfig({}, { TESSERA_REFRESH_RETRY_WINDOW: '0' }).settings.refreshRetryWindow).toBe(0);
    expect(loadConfig({ refreshRetryWindow: '10' }, { TESSERA_REFRESH_RETRY_WINDOW: '0' }).settings.refreshRetryWindow).toBe(10);
    expect(() => loadConfig({ refreshRetryWindow: '301' }, {})).toThrow(/--refresh-retry-window must be between 0 and 300/);
    expect(() => loadConfig({ refreshRetryWindow: '-1' }, {})).toThrow(/--refresh-retry-window must be a whole number/);
  });
  it('reads the JWKS max-age and the key rotation interval', () => {
    expect(loadConfig({}, {}).settings.jwksMaxAge).toBe(300);
    expect(loadConfig({}, { TESSERA_JWKS_MAX_AGE: '60' }).settings.jwksMaxAge).toBe(60);
    expect(loadConfig({ jwksMaxAge: '0' }, { TESSERA_JWKS_MAX_AGE: '60' }).settings.jwksMaxAge).toBe(0);
    expect(() => loadConfig({ jwksMaxAge: '86401' }, {})).toThrow(/--jwks-max-age must be between 0 and 86400/);
    expect(loadConfig({}, {}).settings.keyRotationInterval).toBe(0);
    expect(loadConfig({ keyRotationInterval: '30d' }, {}).settings.keyRotationInterval).toBe(30 * 86_400);
    expect(loadConfig({}, { TESSERA_KEY_ROTATION_INTERVAL: '12h' }).settings.keyRotationInterval).toBe(12 * 3600);
    expect(loadConfig({ keyRotationInterval: '7200' }, {}).settings.keyRotationInterval).toBe(7200);
    expect(loadConfig({ keyRotationInterval: 'off' }, {}).settings.keyRotationInterval).toBe(0);
    expect(() => loadConfig({ keyRotationInterval: '10m' }, {})).toThrow(/--key-rotation-interval must be off or a duration between 1h and 365d/);
    expect(() => loadConfig({ keyRotationInterval: '1w' }, {})).toThrow(/--key-rotation-interval/);
  });
  it('reads the dynamic registration settings: off by default, the flag over the environment, bad values refused', () => {
    expect(loadConfig({}, {}).settings.dynamicRegistration).toEqual({
      mode: 'off', scope: ['openid', 'profile', 'email', 'offline_access'], maxClients: 10_000, idleDays: 30, perAddressLimit: 10,
    });
    const set = loadConfig({ dynamicRegistration: 'token', dynamicRegistrationScope: 'openid, mcp:tools' }, {
      TESSERA_DYNAMIC_REGISTRATION: 'open', TESSERA_DYNAMIC_REGISTRATION_IDLE_DAYS: '7', TESSERA_DYNAMIC_REGISTRATION_MAX_CLIENTS: '50',
      TESSERA_DYNAMIC_REGISTRATION_RATE_LIMIT: '3',
    }).settings.dynamicRegistration;
    expect(set).toEqual({ mode: 'token', scope: ['openid', 'mcp:tools'], maxClients: 50, idleDays: 7, perAddressLimit: 3 });
    expect(() => loadConfig({ dynamicRegistration: 'yes' }, {})).toThrow(/--dynamic-registration must be off, open or token/);
    expect(() => loadConfig({ dynamicRegistrationIdleDays: '0' }, {})).toThrow(/--dynamic-registration-idle-days must be between 1/);
    expect(() => loadConfig({ dynamicRegistrationScope: 'openid "quoted"' }, {})).toThrow(/--dynamic-registration-scope/);
  });

  it('reads the default signing algorithm (--signing-alg, TESSERA_SIGNING_ALG), ES256 unless told', () => {
    expect(loadConfig({}, {}).settings.signingAlg).toBe('ES256');
    expect(loadConfig({}, { TESSERA_SIGNING_ALG: 'RS256' }).settings.signingAlg).toBe('RS256');
    expect(loadConfig({ signingAlg: 'EdDSA' }, { TESSERA_SIGNING_ALG: 'RS256' }).settings.signingAlg).toBe('EdDSA');
    expect(() => loadConfig({ signingAlg: 'HS256' }, {})).toThrow(/--signing-alg must be one of ES256, RS256, EdDSA, got "HS256"/);
    expect(() => loadConfig({ signingAlg: 'none' }, {})).toThrow(/--signing-alg/);
  });
  it('reads the Client ID Metadata Document settings: off, any public host, no private hosts unless told', () => {
    expect(loadConfig({}, {}).settings.clientIdMetadataDocuments).toEqual({ enabled: false, allowPrivateHosts: false, allowedHosts: [] });
    expect(loadConfig({ clientIdMetadataDocuments: 'on', cimdAllowedHosts: 'A.example, b.example' }, { TESSERA_CIMD_ALLOW_PRIVATE_HOSTS: 'true' }).settings.clientIdMetadataDocuments)
      .toEqual({ enabled: true, allowPrivateHosts: true, allowedHosts: ['a.example', 'b.example'] });
    // commander gives `true` for a bare --cimd-allow-private-hosts.
    expect(loadConfig({ cimdAllowPrivateHosts: true as unknown as string }, {}).settings.clientIdMetadataDocuments?.allowPrivateHosts).toBe(true);
    expect(() => loadConfig({ clientIdMetadataDocuments: 'yes' }, {})).toThrow(/--client-id-metadata-documents must be on or off/);
  });

  it('reads the client cache refresh: 2000 ms by default, at most 5000 so that the 10 s bound holds', () => {
    expect(loadConfig({}, {}).clientCacheRefreshMs).toBe(2_000);
    expect(loadConfig({}, { TESSERA_CLIENT_CACHE_REFRESH: '100' }).clientCacheRefreshMs).toBe(100);
    expect(loadConfig({ clientCacheRefresh: '500' }, { TESSERA_CLIENT_CACHE_REFRESH: '100' }).clientCacheRefreshMs).toBe(500);
    expect(() => loadConfig({ clientCacheRefresh: '5001' }, {})).toThrow(/--client-cache-refresh must be between 10 and 5000/);
    expect(() => loadConfig({ clientCacheRefresh: '0' }, {})).toThrow(/--client-cache-refresh must be between 10 and 5000/);
  });
  it('defaults to SQLite under ./data', () => {
    expect(loadConfig({}, {}).db).toEqual({ kind: 'sqlite', path: './data/tessera.db' });
  });
  it('explains bad values', () => {
    expect(() => loadConfig({ db: 'mysql://x' }, {})).toThrow(/--db must start with sqlite: or postgres:\/\//);
    expect(() => loadConfig({ db: 'postgres://u:hunter2@' }, {})).toThrow(/^(?!.*hunter2)/);
    expect(() => loadConfig({ port: 'abc' }, {})).toThrow(/--port must be a whole number/);
    expect(() => loadConfig({ issuer: 'https://a.example/?x=1' }, {})).toThrow(/query or fragment/);
    expect(() => loadConfig({ accessTokenTtl: '0' }, {})).toThrow(/access-token-ttl/);
  });
});

describe('redirect URIs of native apps on loopback (RFC 8252 §7.3)', async () => {
  const { resolveRedirectUri } = await import('../src/core/redirect-uri.js');
  const { clientFromMetadata } = await import('../src/core/client-metadata.js');
  const { SecretHashing } = await import('../src/core/secret-hash.js');
  const { ServerSecrets } = await import('../src/core/server-secrets.js');
  const client = clientFromMetadata({ client_id: 'cli', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb', 'https://app.example/cb'] }, 0,
    new SecretHashing(ServerSecrets.ephemeral()));
  it('accepts any port on a registered loopback URI when allowed, and nothing else loosely', () => {
    expect(resolveRedirectUri(client, 'http://127.0.0.1:51234/cb', true)).toBe('http://127.0.0.1:51234/cb');
    expect(resolveRedirectUri(client, 'http://127.0.0.1:51234/other', true)).toBeUndefined();
    expect(resolveRedirectUri(client, 'http://localhost:51234/cb', true)).toBeUndefined();
    expect(resolveRedirectUri(client, 'https://app.example:8443/cb', true)).toBeUndefined();
    expect(resolveRedirectUri(client, 'https://app.example/cb', true)).toBe('https://app.example/cb');
  });
  it('matches exactly, port included, when not allowed', () => {
    expect(resolveRedirectUri(client, 'http://127.0.0.1:51234/cb', false)).toBeUndefined();
    expect(resolveRedirectUri(client, 'http://127.0.0.1/cb', false)).toBe('http://127.0.0.1/cb');
  });
});
