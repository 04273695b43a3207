import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundPort, closeHttp } from '../../src/server/http-listener.js';
import { listenMetrics } from '../../src/server/metrics-listener.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const SERVICE = { client_id: 'inventory', client_secret: 'inventory-secret-value', grant_types: ['client_credentials'], scope: 'read' };
const APP = { client_id: 'app', client_secret: 'app-secret-value', grant_types: ['password'], scope: 'read' };

let server: RunningServer;
let metricsServer: Server;
let metricsUrl: string;

beforeAll(async () => {
  const metrics = new ServerMetrics();
  server = await startServer({ clients: [SERVICE, APP], users: [{ username: 'victim', password: 'victim-password' }], server: { metrics } });
  metricsServer = await listenMetrics(metrics.registry, 0, '127.0.0.1');
  metricsUrl = `http://127.0.0.1:${boundPort(metricsServer)}/metrics`;
});
afterAll(async () => {
  await closeHttp(metricsServer);
  await server.close();
});

const scrape = async () => (await fetch(metricsUrl)).text();
const sample = (text: string, series: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};
const tokenRequest = (secret: string) => fetch(`${server.issuer}/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${SERVICE.client_id}:${secret}`).toString('base64')}` },
  body: 'grant_type=client_credentials&scope=read',
});

describe('Prometheus metrics on their own listener', () => {
  it('count issued tokens, token errors, client authentication failures and request durations', async () => {
    const before = await scrape();
    expect((await tokenRequest(SERVICE.client_secret)).status).toBe(200);
    expect((await tokenRequest('wrong-secret')).status).toBe(401);
    const after = await scrape();
    expect(sample(after, 'tessera_tokens_issued_total{grant_type="client_credentials"}'))
      .toBe(sample(before, 'tessera_tokens_issued_total{grant_type="client_credentials"}') + 1);
    expect(sample(after, 'tessera_token_errors_total{error="invalid_client"}')).toBe(sample(before, 'tessera_token_errors_total{error="invalid_client"}') + 1);
    expect(sample(after, 'tessera_client_authentication_failures_total')).toBe(sample(before, 'tessera_client_authentication_failures_total') + 1);
    expect(sample(after, 'tessera_http_request_duration_seconds_count{method="POST",route="/token",status_class="2xx"}')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^tessera_signing_key_age_seconds \d/m);
    expect(after).toContain('process_cpu_user_seconds_total');
    // Bounded labels: no client id and no secret anywhere.
    expect(after).not.toContain(SERVICE.client_id);
    expect(after).not.toContain(SERVICE.client_secret);
  });

  it('count sign-in failures and throttled sign-ins', async () => {
    const before = await scrape();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${APP.client_id}:${APP.client_secret}`).toString('base64')}` },
        body: 'grant_type=password&username=victim&password=wrong-guess',
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const after = await scrape();
    expect(sample(after, 'tessera_sign_in_failures_total')).toBe(sample(before, 'tessera_sign_in_failures_total') + 5);
    expect(sample(after, 'tessera_sign_in_throttled_total')).toBe(sample(before, 'tessera_sign_in_throttled_total') + 1);
    expect(sample(after, 'tessera_token_errors_total{error="invalid_grant"}')).toBe(sample(before, 'tessera_token_errors_total{error="invalid_grant"}') + 5);
  });

  it('label unmatched paths by a fixed route, never the raw URL', async () => {
    await fetch(`${server.issuer}/no/such/path-${Date.now()}`);
    const text = await scrape();
    expect(text).toContain('route="unmatched"');
    expect(text).not.toContain('/no/such/path');
  });

  it('are not served on the main port', async () => {
    expect((await fetch(`${server.issuer}/metrics`)).status).toBe(404);
  });
});
