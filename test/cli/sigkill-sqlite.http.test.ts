import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCli } from '../helpers/cli.js';
import { basic, postForm } from '../helpers/oauth-client.js';

// Issue 11 §6: "SIGKILL under load on both stores loses no acknowledged token". PostgreSQL is
// covered by two-instances.http.test.ts; this is the embedded store: `tessera serve` on a SQLite
// file (token inserts group-committed, sqlite/group-commit.ts) killed under a stream of requests,
// then a new process on the same file must know every token it answered 200 for. Access tokens
// are not stored (issue 12 §1), so what must survive is each acknowledged refresh token (a stored
// row): the password grant issues one with every answer. Both processes share the issuer, as
// instances behind one URL do; the access tokens then stay verifiable too.

const work = mkdtempSync(join(tmpdir(), 'tessera-sigkill-sqlite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const seed = join(work, 'seed.json');
writeFileSync(seed, JSON.stringify({
  clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read' }],
  users: [{ username: 'kim', password: 'kim-password' }],
}), { mode: 0o600 });
const ISSUER = 'https://as.sigkill.test';
const auth = { authorization: basic('app', 'app-secret') };

describe('tessera serve on SQLite, SIGKILLed under load', () => {
  it('loses no token it acknowledged: a restarted server on the same file knows each one', async () => {
    const db = `sqlite:${join(work, 'killed.db')}`;
    const args = ['--db', db, '--seed', seed, '--issuer', ISSUER];
    const first = await serveCli(args);
    const acknowledged: string[] = [];
    let cut = 0;
    let running = true;
    const origin = first.origin;
    const loop = async () => {
      while (running) {
        try {
          const issued = await postForm(`${origin}/token`, 'grant_type=password&username=kim&password=kim-password&scope=read', auth);
          if (issued.status === 200) acknowledged.push(issued.json.refresh_token as string, issued.json.access_token as string);
        } catch {
          // The connection was cut: no answer is no acknowledgement.
          cut += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    try {
      await expect.poll(() => acknowledged.length, { timeout: 20_000 }).toBeGreaterThan(60);
      first.child.kill('SIGKILL');
      await first.stop();
      expect(first.child.signalCode).toBe('SIGKILL');
      await expect.poll(() => cut, { timeout: 5_000 }).toBeGreaterThan(0);
    } finally {
      running = false;
      await Promise.all(loops);
    }
    const second = await serveCli(args);
    try {
      const inactive: string[] = [];
      for (let i = 0; i < acknowledged.length; i += 25) {
        const batch = acknowledged.slice(i, i + 25);
        const answers = await Promise.all(batch.map((value) => postForm(`${second.origin}/introspect`, `token=${encodeURIComponent(value)}`, auth)));
        inactive.push(...batch.filter((_, j) => answers[j]?.json.active !== true));
      }
      expect(inactive).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
