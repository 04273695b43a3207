import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli } from '../helpers/cli.js';

describe('tessera demo (the built CLI)', () => {
  it('starts the three servers and prints their URLs and the demo credentials', async () => {
    requireBuiltCli();
    const cwd = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
    // Port 0 for the three: the demo binds them first and its banner says where they are.
    const child = spawn(process.execPath, [CLI, 'demo', '--port', '0', '--resource-port', '0', '--client-port', '0'],
      { cwd, env: { ...process.env, TESSERA_DB: '', TESSERA_LOG_LEVEL: '' } });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Stop with Ctrl+C')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      const url = (label: string) => new RegExp(`^  ${label} +(http://127\\.0\\.0\\.1:(\\d+))\\b`, 'm').exec(output);
      const [client, authorizationServer, resourceServer] = [url('Client \\(flow playground\\)'), url('Auth Server'), url('Resource Server')];
      for (const match of [client, authorizationServer, resourceServer]) expect(Number(match?.[2]), output).toBeGreaterThan(0);
      const [clientUrl, authorizationServerUrl, resourceServerUrl] = [client?.[1], authorizationServer?.[1], resourceServer?.[1]];
      expect(new Set([clientUrl, authorizationServerUrl, resourceServerUrl]).size).toBe(3);
      // The Auth Server's issuer is the address it bound, not port 0.
      expect((await (await fetch(`${authorizationServerUrl}/.well-known/oauth-authorization-server`)).json()).issuer).toBe(authorizationServerUrl);
      expect(output).toContain('alice / wonderland');
      expect(output).toContain('sqlite:./data/demo.db');
      const playground = await fetch(`${clientUrl}/`);
      expect(playground.status).toBe(200);
      expect(await playground.text()).toContain('Watch OAuth 2 happen.');
      // The browser code, as `npm run build` bundled it into dist/ (scripts/bundle-browser.mjs): the
      // implicit SPA with the server's own step card and escaping, not a function's source text.
      for (const [asset, built] of [['/assets/implicit-spa.js', 'implicit-spa.js'], ['/assets/playground.js', 'playground-page.js']] as const) {
        const served = await fetch(`${clientUrl}${asset}`);
        expect(served.headers.get('content-type')).toContain('text/javascript');
        expect(await served.text()).toBe(readFileSync(new URL(`../../dist/demo/client/assets/${built}`, import.meta.url), 'utf8'));
      }
      expect((await fetch(`${resourceServerUrl}/api/resources`)).status).toBe(401);
      expect(existsSync(join(cwd, 'data/demo.db'))).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
