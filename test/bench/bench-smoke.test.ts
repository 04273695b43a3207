import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A smoke test of `npm run bench`: the whole script, every step, in its 1 s quick mode. It
// asserts what the benchmark prints and that it works (every server answered with tokens, the
// spot checks held), never a speed: CI machines are shared and the numbers mean nothing here.

const root = join(import.meta.dirname, '../..');
const benchScript = join(root, 'bench/run.mjs');
const work = mkdtempSync(join(tmpdir(), 'tessera-bench-smoke-'));
const jsonFile = join(work, 'results.json');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchScript, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface LoadResult { reqPerSec: number; non2xx: number; spotCheck?: { ok: boolean } }

/** The targets bench/lib/report.mjs judges; all are measured in quick mode. */
const TARGET_IDS = ['throughput', 'p99', 'ceiling', 'verify', 'rss', 'errors', 'spot-check'];
/** Targets about correctness, not speed: every request answered 2xx, introspection and revocation held. */
const CORRECTNESS_TARGETS = ['errors', 'spot-check'];

/**
 * The rows of the printed target table (`target  measured  result`, a rule, then one row per
 * target until the first line that is not one). A row that is not `description  measured  PASS|FAIL|n/a`
 * fails the test.
 */
function targetRows(stdout: string): { description: string; measured: string; status: string }[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => /^target\s{2,}measured\s{2,}result$/.test(line));
  expect(header, 'the target table header').toBeGreaterThanOrEqual(0);
  expect(lines[header + 1], 'the rule under the target table header').toMatch(/^-+ {2}-+ {2}-+$/);
  const rows = [];
  for (const line of lines.slice(header + 2)) {
    if (line === '' || /^ {2}\S+: /.test(line) || line.startsWith('note: ')) break;
    const match = /^(\S.*?\S) {2,}(\S.*?) {2,}(PASS|FAIL|n\/a)$/.exec(line);
    expect(match, `a malformed target row: "${line}"`).not.toBeNull();
    rows.push({ description: match?.[1] ?? '', measured: match?.[2] ?? '', status: match?.[3] ?? '' });
  }
  return rows;
}

describe('npm run bench (quick mode)', () => {
  it('prints the table with Tessera, node-oidc-provider and the ceilings, and exits 0', async () => {
    // CI installs the bench's own dependencies first (.ci/run: npm --prefix bench ci). Missing
    // dependencies are a broken setup, not a reason to skip: fail and say what to run.
    if (!existsSync(join(root, 'bench/node_modules/autocannon')) || !existsSync(join(root, 'bench/node_modules/oidc-provider'))) {
      throw new Error('bench dependencies are missing: run `npm --prefix bench ci` first (CI does it in .ci/run).');
    }
    if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');

    const { code, stdout, stderr } = await run(['--quick', '--json-file', jsonFile]);
    expect(code, `bench exited ${code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`).toBe(0);

    for (const row of [
      'Tessera (SQLite, 1 worker)', 'Tessera (SQLite, 2 workers)', 'node-oidc-provider 9.', 'HTTP ceiling (empty Fastify route',
      'ES256 sign, node:crypto', 'ES256 sign, jose SignJWT', 'jose.jwtVerify, local key', 'tessera/resource verify, JWKS cached',
      'Tessera / node-oidc-provider', 'Tessera / HTTP ceiling', 'tessera/resource verify / jose.jwtVerify',
    ]) expect(stdout, `the table lacks "${row}"`).toContain(row);
    expect(stdout).toMatch(/req\/s\s+p50 ms\s+p99 ms\s+non-2xx\s+peak RSS MB/);

    // The same results as JSON: every server really answered, with 2xx only, and introspection
    // and revocation held under load.
    const results = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
      servers: Record<string, LoadResult>; micro: Record<string, number | null>;
      targets: { id: string; description: string; measured: string; status: string }[];
    };
    for (const name of ['tessera1', 'tessera2', 'oidcProvider', 'ceiling']) {
      const server = results.servers[name];
      expect(server, `no result for ${name}`).toBeDefined();
      expect(server?.reqPerSec, `${name} served nothing`).toBeGreaterThan(0);
      expect(server?.non2xx, `${name} answered non-2xx`).toBe(0);
    }
    expect(results.servers.tessera1?.spotCheck?.ok).toBe(true);
    expect(results.servers.tessera2?.spotCheck?.ok).toBe(true);
    expect(results.micro.tesseraResourceVerify).toBeGreaterThan(0);

    // The targets: every one measured, each printed as one well-formed row that says what the
    // JSON says. Speed targets may PASS or FAIL on a shared machine; correctness targets must PASS.
    expect(results.targets.map((t) => t.id).sort()).toEqual([...TARGET_IDS].sort());
    const rows = targetRows(stdout);
    expect(rows, 'one table row per target').toHaveLength(results.targets.length);
    results.targets.forEach((target, i) => {
      expect(target.status, `${target.id} was not measured`).toMatch(/^(PASS|FAIL)$/);
      expect(rows[i], `the row of ${target.id}`).toEqual({ description: target.description, measured: target.measured, status: target.status });
    });
    for (const id of CORRECTNESS_TARGETS) {
      expect(results.targets.find((t) => t.id === id)?.status, `target ${id}`).toBe('PASS');
    }
  }, 240_000);
});
