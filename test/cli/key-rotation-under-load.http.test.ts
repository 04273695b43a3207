import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createBearerVerifier, type BearerVerifier } from '../../src/resource/index.js';
import { CLI, serveCli } from '../helpers/cli.js';
import { basic } from '../helpers/oauth-client.js';

// Issue 11, part 1: `tessera keys rotate` against the database of a running `tessera serve`
// while clients keep getting tokens and resource servers keep verifying them: no request fails.

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'tessera-rotation-load-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { ...process.env, TESSERA_SECRET: '', TESSERA_SECRET_FILE: '', TESSERA_DB: '', TESSERA_JWKS_MAX_AGE: '' };
const tessera = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env })).stdout;

interface Load {
  verified: { kid: string; iat: number }[];
  failures: string[];
  stop(): Promise<void>;
}

/** Four clients in a loop: a client-credentials token, then every verifier checks it. */
function startLoad(origin: string, verifiers: BearerVerifier[]): Load {
  const verified: Load['verified'] = [];
  const failures: string[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const response = await fetch(`${origin}/token`, {
          method: 'POST', body: 'grant_type=client_credentials',
          headers: { authorization: basic('svc', 'svc-secret'), 'content-type': 'application/x-www-form-urlencoded' },
        });
        const body = await response.json() as { access_token?: string };
        if (response.status !== 200 || !body.access_token) {
          failures.push(`token endpoint: ${response.status} ${JSON.stringify(body)}`);
          continue;
        }
        for (const verifier of verifiers) await verifier.verify(`Bearer ${body.access_token}`, ['read']);
        verified.push({ kid: decodeProtectedHeader(body.access_token).kid as string, iat: decodeJwt(body.access_token).iat as number });
      } catch (error) {
        failures.push(String((error as Error & { description?: string }).description ?? error));
      }
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  return { verified, failures, async stop() { running = false; await Promise.all(loops); } };
}

describe('tessera keys rotate under load', () => {
  it('a tessera/resource API accepts every token while a key is rotated with a grace period, and then --now', async () => {
    const db = `sqlite:${join(work, 'tessera.db')}`;
    const seed = join(work, 'seed.json');
    writeFileSync(seed, JSON.stringify({ clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read' }] }), { mode: 0o600 });
    const server = await serveCli(['--db', db, '--seed', seed]);
    try {
      const audience = server.origin;
      // Refetches at once on an unknown kid, as tessera/resource does after its cooldown.
      const refetching = createBearerVerifier({ issuer: server.origin, audience, jwksCooldownMs: 200 });
      // Never refetches on an unknown kid, only when its cached JWKS is 2 s old: a resource
      // server that only honours the cache lifetime, which the grace period is for.
      const caching = createBearerVerifier({ issuer: server.origin, audience, jwksCooldownMs: 600_000, jwksMaxAgeMs: 2_000 });
      const load = startLoad(server.origin, [refetching, caching]);
      try {
        await expect.poll(() => load.verified.length, { timeout: 10_000 }).toBeGreaterThan(20);
        const first = load.verified[0]?.kid;

        // Grace: longer than the server's reload (5 s) plus the caching verifier's max age (2 s).
        const rotated = JSON.parse(await tessera('keys', 'rotate', '--alg', 'ES256', '--grace', '9', '--db', db)) as { kid: string; signs_from: number };
        await expect.poll(() => load.verified.some((token) => token.kid === rotated.kid), { timeout: 20_000, interval: 200 }).toBe(true);
        const firstNew = load.verified.find((token) => token.kid === rotated.kid);
        expect(firstNew?.iat).toBeGreaterThanOrEqual(rotated.signs_from);
        expect(load.verified.filter((token) => token.kid === first).length).toBeGreaterThan(0);
        expect(load.failures).toEqual([]);
      } finally {
        await load.stop();
      }

      // After a leak: the new key signs as soon as the server reads it. A verifier that refetches
      // on an unknown kid (tessera/resource) still accepts every token.
      const emergencyLoad = startLoad(server.origin, [refetching]);
      try {
        const emergency = JSON.parse(await tessera('keys', 'rotate', '--alg', 'ES256', '--now', '--db', db)) as { kid: string };
        await expect.poll(() => emergencyLoad.verified.some((token) => token.kid === emergency.kid), { timeout: 15_000, interval: 200 }).toBe(true);
        await expect.poll(() => emergencyLoad.verified.filter((token) => token.kid === emergency.kid).length, { timeout: 5_000 }).toBeGreaterThan(20);
        expect(emergencyLoad.failures).toEqual([]);
      } finally {
        await emergencyLoad.stop();
      }
      expect(server.output()).toMatch(/signing keys changed/);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
