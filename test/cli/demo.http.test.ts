import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/server.js';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

describe('tessera demo (the built CLI)', () => {
  it('starts the three servers and prints their URLs and the demo credentials', async () => {
    if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freePort());
    const [port, resourcePort, clientPort] = [...ports].map(String) as [string, string, string];
    const cwd = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
    const child = spawn(process.execPath, [CLI, 'demo', '--port', port, '--resource-port', resourcePort, '--client-port', clientPort],
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
      expect(output).toContain(`http://127.0.0.1:${clientPort}`);
      expect(output).toContain(`http://127.0.0.1:${port}`);
      expect(output).toContain(`http://127.0.0.1:${resourcePort}`);
      expect(output).toContain('alice / wonderland');
      expect(output).toContain('sqlite:./data/demo.db');
      const playground = await fetch(`http://127.0.0.1:${clientPort}/`);
      expect(playground.status).toBe(200);
      expect(await playground.text()).toContain('Watch OAuth 2 happen.');
      expect((await fetch(`http://127.0.0.1:${resourcePort}/api/resources`)).status).toBe(401);
      expect(existsSync(join(cwd, 'data/demo.db'))).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
