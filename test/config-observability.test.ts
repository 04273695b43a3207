import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('the operator flags: metrics, audit log, request log', () => {
  it('are off or on by default as documented', () => {
    const config = loadConfig({}, {});
    expect(config.metrics).toBeUndefined();
    expect(config.auditLog).toBeUndefined();
    expect(config.settings.logRequests).toBe(true);
  });

  it('metrics listen on 127.0.0.1 unless told otherwise, from flags or the environment', () => {
    expect(loadConfig({ metricsPort: '9464' }, {}).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({}, { TESSERA_METRICS_PORT: '0', TESSERA_METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 0, host: '10.0.0.5' });
    expect(() => loadConfig({ metricsHost: '0.0.0.0' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ metricsPort: 'nine' }, {})).toThrow(ConfigError);
  });

  it('--audit-log and --log-requests', () => {
    expect(loadConfig({ auditLog: '-' }, {}).auditLog).toBe('-');
    expect(loadConfig({}, { TESSERA_AUDIT_LOG: '/var/log/tessera-audit.jsonl' }).auditLog).toBe('/var/log/tessera-audit.jsonl');
    expect(loadConfig({ logRequests: 'false' }, {}).settings.logRequests).toBe(false);
    expect(() => loadConfig({ logRequests: 'sometimes' }, {})).toThrow(ConfigError);
  });
});
