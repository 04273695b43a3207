import { describe, expect, it } from 'vitest';
import { demoSettings } from '../../src/cli/demo.js';

describe('tessera demo settings', () => {
  it('has its own defaults: demo database, 600 s access tokens (long enough to read an exchange), ports 9000-9002', () => {
    const { config, resourcePort, clientPort } = demoSettings({}, {});
    expect(config.db).toEqual({ kind: 'sqlite', path: './data/demo.db' });
    expect(config.settings.accessTokenTtl).toBe(600);
    expect(config.settings.logLevel).toBe('warn');
    expect([config.port, resourcePort, clientPort]).toEqual([9000, 9001, 9002]);
  });

  it('lets the environment and then the flags win over its defaults', () => {
    const env = { TESSERA_DB: 'sqlite:/tmp/other.db', TESSERA_ACCESS_TOKEN_TTL: '300' };
    expect(demoSettings({}, env).config.db).toEqual({ kind: 'sqlite', path: '/tmp/other.db' });
    expect(demoSettings({}, env).config.settings.accessTokenTtl).toBe(300);
    expect(demoSettings({ accessTokenTtl: '3600', resourcePort: '7001', clientPort: '7002' }, env)).toMatchObject({
      config: { settings: { accessTokenTtl: 3600 } }, resourcePort: 7001, clientPort: 7002,
    });
  });

  it('refuses bad ports, clashing ports and several workers with a message that says what to fix', () => {
    expect(() => demoSettings({ clientPort: 'x' }, {})).toThrow(/--client-port must be a port number/);
    expect(() => demoSettings({ resourcePort: '9000' }, {})).toThrow(/must differ/);
    expect(() => demoSettings({ workers: '2' }, {})).toThrow(/--workers is for tessera serve/);
  });
});
