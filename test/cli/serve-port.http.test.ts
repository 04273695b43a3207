import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCli } from '../helpers/cli.js';

// RFC 8414 §3.3: the metadata's issuer must be the one its URL was built from. With --port 0 and
// no --issuer, the issuer carries the port the kernel chose, not ":0".

const work = mkdtempSync(join(tmpdir(), 'tessera-port-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tessera serve --port 0', () => {
  it('advertises the bound port as its issuer', async () => {
    const server = await serveCli(['--db', `sqlite:${join(work, 't.db')}`]);
    try {
      const metadata = await (await fetch(`${server.origin}/.well-known/oauth-authorization-server`)).json() as Record<string, string>;
      expect(metadata.issuer).toBe(server.origin);
      expect(metadata.token_endpoint).toBe(`${server.origin}/token`);
    } finally {
      await server.stop();
    }
  });
});
