import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A smoke test of `npm run bench`: the whole script, every step, in its 1 s quick mode. It
// asserts what the benchmark prints and that it works (every server answered with tokens, the
// spot checks held, every section of issue 12 ran at its tiny size), never a speed: CI machines
// are shared and the numbers mean nothing here.

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

interface LoadResult { reqPerSec: number; non2xx: number; cpuUsPerRequest: number | null; spotCheck?: { ok: boolean } }
interface GrantRow {
  db: string; grant: string; reqPerSec: number; non2xx: number; errors: number; cpuUsPerRequest: number | null;
  reqPerSecPerCore: number | null; storedRefreshTokens?: number; spotCheckOk: boolean | null;
}

/** The targets bench/lib/report.mjs judges; all are measured in quick mode. */
const TARGET_IDS = ['throughput', 'bare-ceiling', 'p99', 'rss', 'verify-uncached', 'verify-repeated', 'protected-route', 'flat', 'errors', 'spot-check'];
const GRANT_IDS = ['client_credentials', 'authorization_code', 'refresh_token', 'password', 'introspection', 'jwks'];
/** PostgreSQL runs in quick mode when its binaries are there, as in CI (scripts/postgres-test-server.sh). */
const postgresInstalled = existsSync(join(process.env.TESSERA_PG_BIN ?? '/usr/lib/postgresql/15/bin', 'initdb'));
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
    const match = /^(\S.*?\S) {2,}(\S.*?) {2,}(PASS|MISS|FAIL|n\/a)$/.exec(line);
    expect(match, `a malformed target row: "${line}"`).not.toBeNull();
    rows.push({ description: match?.[1] ?? '', measured: match?.[2] ?? '', status: match?.[3] ?? '' });
  }
  return rows;
}

describe('npm run bench (quick mode)', () => {
  it('prints the tables with Tessera, node-oidc-provider, the ceilings and every section of issue 12, and exits 0', async () => {
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
      'token ceiling (bare node:http, Basic auth, ES256)', 'Fastify GET route, unprotected', 'Fastify GET route, fastifyBearerAuth',
      'ES256 sign, node:crypto', 'ES256 sign, jose SignJWT', 'jose.jwtVerify, local key, distinct tokens',
      'tessera/resource verify, distinct tokens (uncached)', 'tessera/resource verify, one token repeated',
      'Tessera / node-oidc-provider', 'Tessera / token ceiling (bare node:http + ES256)', 'Tessera / HTTP ceiling (empty Fastify route)',
      'tessera/resource verify / jose.jwtVerify, distinct tokens', 'Fastify route, fastifyBearerAuth / unprotected',
      'server CPU per client_credentials request by stage', 'sizing: per grant', 'flat as it grows (SQLite)',
    ]) expect(stdout, `the report lacks "${row}"`).toContain(row);
    expect(stdout).toMatch(/req\/s\s+p50 ms\s+p99 ms\s+non-2xx\s+peak RSS MB/);
    expect(stdout).toMatch(/^machine: \d+ cores \(.+\), [\d.]+ GB, Node v\d+/m);

    // The same results as JSON: every server really answered, with 2xx only, and introspection
    // and revocation held under load.
    const results = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
      servers: Record<string, LoadResult>; micro: Record<string, number | null>;
      targets: { id: string; description: string; measured: string; status: string }[];
      stages: { rows: { stage: string; share: number; usPerRequest: number | null }[] };
      sizing: GrantRow[]; flat: GrantRow[]; postgres: { skipped?: string; version?: string };
    };
    for (const name of ['tessera1', 'tessera2', 'oidcProvider', 'ceiling', 'bare', 'routeOpen', 'routeProtected']) {
      const server = results.servers[name];
      expect(server, `no result for ${name}`).toBeDefined();
      expect(server?.reqPerSec, `${name} served nothing`).toBeGreaterThan(0);
      expect(server?.non2xx, `${name} answered non-2xx`).toBe(0);
    }
    expect(results.servers.tessera1?.spotCheck?.ok).toBe(true);
    expect(results.servers.tessera2?.spotCheck?.ok).toBe(true);
    for (const rate of ['joseJwtVerify', 'resourceVerifyDistinct', 'joseJwtVerifyRepeated', 'resourceVerifyRepeated']) {
      expect(results.micro[rate], rate).toBeGreaterThan(0);
    }

    // Stages: the profile was classified, the shares add up, the stages every client_credentials
    // request goes through were seen ("store" may rightly be empty once access tokens are not written).
    const stages = results.stages.rows;
    expect(stages.reduce((sum, row) => sum + row.share, 0)).toBeCloseTo(1, 5);
    for (const stage of ['HTTP', 'sign', 'client authentication']) {
      expect(stages.find((row) => row.stage === stage)?.share ?? 0, `stage ${stage}`).toBeGreaterThan(0);
    }

    // Sizing on SQLite: every grant ran and answered 2xx only (the single-use codes and rotating
    // refresh tokens of the bulk loader were accepted: the bench fails a grant whose first request
    // is refused). Its 0.5 s load may complete no request on a saturated machine, so no rate is
    // demanded here.
    const sqlite = results.sizing.filter((row) => row.db === 'SQLite');
    expect(sqlite.map((row) => row.grant)).toEqual(GRANT_IDS);
    for (const row of sqlite) expect(row.non2xx + row.errors, `${row.grant} answered non-2xx`).toBe(0);
    // The flat check at its tiny size: code exchange and refresh on 100 stored refresh tokens.
    expect(results.flat.map((row) => [row.storedRefreshTokens, row.grant])).toEqual([[100, 'authorization_code'], [100, 'refresh_token']]);
    expect(results.flat.find((row) => row.grant === 'refresh_token')?.spotCheckOk).toBe(true);

    // PostgreSQL: one instance when installed, else said to be skipped.
    if (postgresInstalled) {
      expect(results.postgres.version).toMatch(/PostgreSQL\) 15/);
      const pg = results.servers.tesseraPg1;
      expect(pg?.reqPerSec).toBeGreaterThan(0);
      expect(pg?.non2xx).toBe(0);
      expect(pg?.spotCheck?.ok).toBe(true);
      const pgGrants = results.sizing.filter((row) => row.db === 'PostgreSQL');
      expect(pgGrants.map((row) => row.grant)).toEqual(['authorization_code', 'refresh_token']);
      for (const row of pgGrants) expect(row.non2xx + row.errors, `${row.grant} on PostgreSQL answered non-2xx`).toBe(0);
    } else {
      expect(results.postgres.skipped).toMatch(/not installed/);
      expect(stdout).toContain('PostgreSQL: skipped');
    }

    // The targets: every one measured, each printed as one well-formed row that says what the
    // JSON says. Speed targets may PASS or MISS on a shared machine; correctness targets must PASS.
    expect(results.targets.map((t) => t.id).sort()).toEqual([...TARGET_IDS].sort());
    const rows = targetRows(stdout);
    expect(rows, 'one table row per target').toHaveLength(results.targets.length);
    results.targets.forEach((target, i) => {
      // Quick mode measures the flat check at one size only: nothing to compare, so n/a.
      if (target.id === 'flat') expect(target.status).toBe('n/a');
      else expect(target.status, `${target.id} was not measured`).toMatch(/^(PASS|MISS|FAIL)$/);
      expect(rows[i], `the row of ${target.id}`).toEqual({ description: target.description, measured: target.measured, status: target.status });
    });
    for (const id of CORRECTNESS_TARGETS) {
      expect(results.targets.find((t) => t.id === id)?.status, `target ${id}`).toBe('PASS');
    }
  }, 300_000);
});
