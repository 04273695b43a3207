import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { serveCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'tessera-observability-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SERVICE = { client_id: 'service', client_secret: 'service-secret-for-cli', grant_types: ['client_credentials'], scope: 'read' };

function seedFile(name: string): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify({ clients: [SERVICE] }), { mode: 0o600 });
  return path;
}

const metricsUrl = (output: string) => /"msg":"Metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(output)?.[1];
const issued = (text: string) => Number(/^tessera_tokens_issued_total\{grant_type="client_credentials"\} (\d+)/m.exec(text)?.[1] ?? 0);

describe('tessera serve --metrics-port --audit-log', () => {
  it('serves /metrics on its own port, counting tokens, and appends audit lines to the file', async () => {
    const audit = join(work, 'audit.jsonl');
    const server = await serveCli(['--db', `sqlite:${join(work, 'one.db')}`, '--seed', seedFile('one'), '--metrics-port', '0', '--audit-log', audit]);
    try {
      const url = metricsUrl(server.output());
      expect(url).toBeDefined();
      expect(new URL(url as string).port).not.toBe(new URL(server.origin).port);
      const before = issued(await (await fetch(url as string)).text());
      const response = await postForm(`${server.origin}/token`, 'grant_type=client_credentials', { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
      expect(response.status).toBe(200);
      expect(issued(await (await fetch(url as string)).text())).toBe(before + 1);
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
      const lines = readFileSync(audit, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ event: 'token.issued', client_id: 'service', request_id: response.headers.get('x-request-id') }));
      expect(readFileSync(audit, 'utf8')).not.toContain(SERVICE.client_secret);
      // The request log line: info, with the route and client_id.
      expect(server.output()).toMatch(/"msg":"request"/);
    } finally {
      await server.stop();
    }
  });

  it('with --workers 2, the primary serves the metrics of both workers on the one port', async () => {
    const server = await serveCli(['--workers', '2', '--db', `sqlite:${join(work, 'two.db')}`, '--seed', seedFile('two'), '--metrics-port', '0'], { workers: 2 });
    try {
      const url = metricsUrl(server.output());
      expect(url).toBeDefined();
      for (let i = 0; i < 6; i++) {
        const response = await postForm(`${server.origin}/token`, 'grant_type=client_credentials', { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
        expect(response.status).toBe(200);
      }
      expect(issued(await (await fetch(url as string)).text())).toBe(6);
    } finally {
      await server.stop();
    }
  });
});
