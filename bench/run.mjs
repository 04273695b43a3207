#!/usr/bin/env node
// npm run bench: Tessera beside node-oidc-provider, against this machine's own ceilings, in one run.
// Everything runs on 127.0.0.1. See docs/BENCHMARKS.md for what is measured and why.
//
//   node bench/run.mjs                 the full run (32 connections, 2 s warm-up, 10 s measured)
//   node bench/run.mjs --quick         a 1 s smoke run of the same steps
//   node bench/run.mjs --json          the same results as JSON on stdout (progress goes to stderr)
//   node bench/run.mjs --scaling       also: 1/8/32/128 connections
//   node bench/run.mjs --ten-million   also the flat check at 10M stored refresh tokens (long)
//   node bench/run.mjs --help          every option
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  backgroundRefreshTokens, codeRow, loadPostgres, loadSqlite, pgClient, refreshTokenRow, sqliteValue, tokenHasher, usable,
} from './lib/bulk-load.mjs';
import { GRANTS, grantRequest, OneUsePool } from './lib/grants.mjs';
import { load } from './lib/load.mjs';
import { signCeilings } from './lib/micro.mjs';
import { BenchPostgres, postgresAvailable } from './lib/postgres.mjs';
import { freePort, ManagedProcess, processTree, stopAll, treeCpuMs } from './lib/processes.mjs';
import { evaluateTargets, renderReport } from './lib/report.mjs';
import { mintPool, resourceVerifyRates } from './lib/resource-check.mjs';
import { stageBreakdown } from './lib/stages.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

const HELP = `Usage: node bench/run.mjs [options]

  --quick                 smoke run: 1 s measured, 0.5 s warm-up, short micro-benchmarks
  --duration <s>          measured seconds of each load run (default 10)
  --warmup <s>            warm-up seconds before each load run (default 2)
  --connections <n>       autocannon connections (default 32)
  --micro <s>             seconds of each single-core micro-benchmark (default 3)
  --only <list>           comma-separated subset of: micro,tessera1,resource,ceiling,bare,tessera2,
                          oidc-provider,stages,sqlite-grants,postgres
  --scaling               also measure 1/8/32/128 connections
  --levels <list>         connection levels of --scaling (default 1,8,32,128)
  --stored <list>         stored refresh tokens of the flat check (default 100,10000,1000000; --quick: 100)
  --ten-million           add 10,000,000 to the flat check's sizes (the load alone takes minutes)
  --no-postgres           skip the PostgreSQL section (it runs when PostgreSQL 15 is installed)
  --pg-bin <dir>          PostgreSQL binaries (default /usr/lib/postgresql/15/bin, or TESSERA_PG_BIN)
  --cpu-prof <dir>        also keep the stage profiles (node --cpu-prof of Tessera) in <dir>
  --tessera-dir <dir>     the Tessera checkout to measure (default: this repository; for A/B runs)
  --json                  print the results as JSON instead of the table
  --json-file <path>      also write the JSON results to <path>
  --strict                exit 1 when a target is missed (default: report it, exit 0)
  --keep                  keep the temporary directory (databases, seed, server logs)
  -h, --help              this text
`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    micro: { type: 'string' },
    only: { type: 'string' },
    scaling: { type: 'boolean', default: false },
    levels: { type: 'string' },
    stored: { type: 'string' },
    'ten-million': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'pg-bin': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'tessera-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    'json-file': { type: 'string' },
    strict: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function positiveNumber(name, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}
function numberList(name, value, fallback) {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => {
    const n = Number(item.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes comma-separated whole numbers, got "${value}"`);
    return n;
  });
}

const STEPS = ['micro', 'tessera1', 'resource', 'ceiling', 'bare', 'tessera2', 'oidc-provider', 'stages', 'sqlite-grants', 'postgres'];
const options = {
  quick: flags.quick,
  duration: positiveNumber('duration', flags.duration, flags.quick ? 1 : 10),
  warmup: positiveNumber('warmup', flags.warmup, flags.quick ? 0.5 : 2),
  connections: positiveNumber('connections', flags.connections, 32),
  microSeconds: positiveNumber('micro', flags.micro, flags.quick ? 0.3 : 3),
  steps: flags.only ? flags.only.split(',').map((s) => s.trim()) : STEPS,
  scaling: flags.scaling,
  levels: numberList('levels', flags.levels, [1, 8, 32, 128]),
  stored: [...numberList('stored', flags.stored, flags.quick ? [100] : [100, 10_000, 1_000_000]),
    ...(flags['ten-million'] ? [10_000_000] : [])],
  postgres: !flags['no-postgres'],
  cpuProfDir: flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined,
};
if (flags['pg-bin']) process.env.TESSERA_PG_BIN = resolve(flags['pg-bin']);
// The Tessera under test: this repository, or another checkout (--tessera-dir) for A/B runs.
const rootDir = flags['tessera-dir'] ? resolve(flags['tessera-dir']) : resolve(benchDir, '..');
for (const step of options.steps) {
  if (!STEPS.includes(step)) throw new Error(`--only: unknown step "${step}"; use ${STEPS.join(', ')}`);
}

const log = (message) => process.stderr.write(`bench: ${message}\n`);

// --- the work both servers are given ------------------------------------------------------------

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = `bench-secret-${randomBytes(16).toString('base64url')}`;
const AUDIENCE = 'https://api.bench.test';
const formEncode = (value) => encodeURIComponent(value).replace(/%20/g, '+');
// RFC 6749 §2.3.1: client_secret_basic, each part form-encoded before Basic encoding.
const AUTHORIZATION = `Basic ${Buffer.from(`${formEncode(CLIENT_ID)}:${formEncode(CLIENT_SECRET)}`).toString('base64')}`;
const TOKEN_BODY = 'grant_type=client_credentials&scope=read';
// The user of the code, refresh and password grants, and where the client's codes are sent.
const USERNAME = 'bench-user';
const PASSWORD = `bench-password-${randomBytes(12).toString('base64url')}`;
const REDIRECT_URI = 'http://127.0.0.1/bench/callback';
// The server secret every Tessera of the run is given, so the bulk loader can hash codes and
// refresh tokens as the server does (src/core/secret-hash.ts).
const SERVER_SECRET = randomBytes(32).toString('base64url');
const hashToken = tokenHasher(SERVER_SECRET);
const FORM_HEADERS = { authorization: AUTHORIZATION, 'content-type': 'application/x-www-form-urlencoded' };

async function postForm(url, body) {
  const response = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let json;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = { unparsable: text.slice(0, 200) };
  }
  return { status: response.status, json, bytes: Buffer.byteLength(text) };
}

/**
 * A benchmark of errors is worthless: before any load, the server must answer 200 with an RFC 9068
 * access token, ES256, scope read, for our client and audience, whose signature verifies with the
 * server's published keys.
 */
async function precheck(name, issuer, expectedIssuer = issuer) {
  const { status, json, bytes } = await postForm(`${issuer}/token`, TOKEN_BODY);
  const fail = (why) => { throw new Error(`${name}: POST /token did not give a valid token (${why}): HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`); };
  if (status !== 200) fail('status is not 200');
  if (typeof json.access_token !== 'string' || String(json.token_type).toLowerCase() !== 'bearer') fail('no Bearer access_token');
  const header = decodeProtectedHeader(json.access_token);
  const claims = decodeJwt(json.access_token);
  if (header.alg !== 'ES256') fail(`alg is ${header.alg}, not ES256`);
  if (header.typ !== 'at+jwt') fail(`typ is ${header.typ}, not at+jwt (RFC 9068)`);
  if (claims.client_id !== CLIENT_ID) fail('client_id claim does not match');
  if (!String(claims.scope ?? '').split(' ').includes('read')) fail('scope "read" is missing');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(AUDIENCE)) fail(`aud ${JSON.stringify(claims.aud)} does not include ${AUDIENCE}`);
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  await jwtVerify(json.access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer: expectedIssuer, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'],
  }).catch((error) => fail(`signature or claims do not verify: ${error.message}`));
  return { token: json.access_token, responseBytes: bytes, jwksUri: discovery.jwks_uri };
}

/**
 * RFC 7662 / RFC 7009 on Tessera: a fresh token introspects active, and inactive once revoked.
 * With two instances the token is minted and revoked on the first and introspected on the
 * other: revocation must hold across instances at once.
 */
async function spotCheck(issuer, otherIssuer = issuer) {
  const problems = [];
  const minted = await postForm(`${issuer}/token`, TOKEN_BODY);
  if (minted.status !== 200) return { ok: false, problems: [`POST /token answered ${minted.status}`] };
  const token = minted.json.access_token;
  const before = await postForm(`${otherIssuer}/introspect`, `token=${formEncode(token)}`);
  if (before.status !== 200 || before.json.active !== true) problems.push(`fresh token: introspection answered ${before.status} active=${before.json.active}`);
  else if (before.json.client_id !== CLIENT_ID || before.json.scope !== 'read') problems.push('fresh token: introspection has the wrong client_id or scope');
  const revoked = await postForm(`${issuer}/revoke`, `token=${formEncode(token)}`);
  if (revoked.status !== 200) problems.push(`revocation answered ${revoked.status}`);
  const after = await postForm(`${otherIssuer}/introspect`, `token=${formEncode(token)}`);
  if (after.status !== 200 || after.json.active !== false) problems.push(`revoked token: introspection answered ${after.status} active=${after.json.active}`);
  return { ok: problems.length === 0, problems };
}

// --- servers ------------------------------------------------------------------------------------

let workDir;
// Also on Ctrl-C or a crash: the temporary databases go with the run.
process.on('exit', () => {
  if (workDir && !flags.keep) rmSync(workDir, { recursive: true, force: true });
});

function tesseraSeed() {
  const seedPath = join(workDir, 'seed.json');
  if (!existsSync(seedPath)) {
    writeFileSync(seedPath, JSON.stringify({
      clients: [{
        client_id: CLIENT_ID, client_name: 'Benchmark client', client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token', 'password'],
        response_types: ['code'], redirect_uris: [REDIRECT_URI],
        scope: 'read', token_endpoint_auth_method: 'client_secret_basic',
      }],
      users: [{ username: USERNAME, password: PASSWORD }],
    }, null, 2), { mode: 0o600 });
  }
  return seedPath;
}

function secretFile() {
  const path = join(workDir, 'server.secret');
  if (!existsSync(path)) writeFileSync(path, `${SERVER_SECRET}\n`, { mode: 0o600 });
  return path;
}

const tesseraMain = join(rootDir, 'dist', 'cli', 'main.js');

/**
 * `tessera serve` on a free port. `dbPath` is a SQLite file, `db` any --db URL (PostgreSQL);
 * `profileDir` runs it under node --cpu-prof (a profile per process, written at exit).
 */
async function startTessera({ workers = 1, dbPath, db = `sqlite:${dbPath}`, profileDir, name, publicIssuer }) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // Instances behind one load balancer share the issuer (docs/OPERATIONS.md): the tokens of one must
  // verify, iss included, at the other. Requests still go to each instance's own origin.
  const issuer = publicIssuer ?? origin;
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const server = new ManagedProcess(name ?? `Tessera (${workers} worker${workers > 1 ? 's' : ''})`, process.execPath, [
    ...nodeArgs, tesseraMain, 'serve', '--port', String(port), '--db', db, '--seed', tesseraSeed(),
    '--secret-file', secretFile(), '--log-level', 'warn', '--workers', String(workers), '--audience', AUDIENCE, '--issuer', issuer,
  ], { cwd: rootDir, env: { NODE_ENV: 'production' } });
  await server.waitForHttp(`${origin}/.well-known/oauth-authorization-server`);
  if (workers > 1) await waitForWorkers(server, origin, workers);
  return { server, issuer: origin, publicIssuer: issuer };
}

/** With node:cluster the port answers as soon as one worker listens; wait until all of them do. */
async function waitForWorkers(server, issuer, workers) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (processTree(server.pid).length >= workers + 1) {
      // Each worker opens the database and loads the keys before it listens: let them all answer.
      for (let i = 0; i < 20; i++) await fetch(`${issuer}/.well-known/oauth-authorization-server`).then((r) => r.arrayBuffer());
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Tessera did not start ${workers} workers:\n${server.output}`);
}

async function startOidcProvider() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = new ManagedProcess('node-oidc-provider', process.execPath, [
    join(benchDir, 'servers', 'oidc-provider.mjs'), String(port), CLIENT_ID, CLIENT_SECRET, AUDIENCE,
  ], { cwd: benchDir, env: { NODE_ENV: 'production' } });
  await server.waitForHttp(`${issuer}/.well-known/openid-configuration`);
  return { server, issuer };
}

/** The bare node:http + Basic auth + node:crypto ES256 token endpoint (bench/servers/bare-http.mjs). */
async function startBare() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = new ManagedProcess('bare node:http + ES256', process.execPath, [
    join(benchDir, 'servers', 'bare-http.mjs'), String(port), CLIENT_ID, CLIENT_SECRET, AUDIENCE,
  ], { cwd: benchDir, env: { NODE_ENV: 'production' } });
  await server.waitForHttp(`${issuer}/.well-known/openid-configuration`);
  return { server, issuer };
}

async function startCeiling(bodyBytes) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ManagedProcess('empty Fastify route', process.execPath, [
    join(benchDir, 'servers', 'empty-route.mjs'), String(port), String(bodyBytes),
  ], { cwd: benchDir, env: { NODE_ENV: 'production' } });
  await server.waitForHttp(`${url}/`);
  const { status, bytes } = await postForm(`${url}/token`, TOKEN_BODY);
  if (status !== 200) throw new Error(`empty Fastify route answered ${status}`);
  return { server, url, bodyBytes: bytes };
}

const CLIENT_CREDENTIALS = { path: '/token', body: TOKEN_BODY };

/**
 * Load while sampling the servers' memory and CPU; with `spot`, a spot check mid-run and after it.
 * `targets` is one { server, url } or several (instances sharing the load round-robin);
 * `spec` says what to send (default: client_credentials on POST /token); `dbPid` adds a
 * database's process tree (PostgreSQL) to the CPU, reported apart as dbCpuUsPerRequest.
 */
async function loadRun(name, targets, {
  connections = options.connections, spot = false, spec = CLIENT_CREDENTIALS, dbPid, headers = FORM_HEADERS,
  duration = options.duration, warmup = options.warmup,
} = {}) {
  const list = Array.isArray(targets) ? targets : [targets];
  log(`${name}: ${connections} connections, ${warmup} s warm-up + ${duration} s`);
  for (const { server } of list) server.startSampling();
  let underLoad;
  const checkUrls = [list[0].url, list[list.length - 1].url];
  const midRun = spot
    ? new Promise((r) => setTimeout(r, (warmup + duration / 2) * 1000))
      .then(() => spotCheck(...checkUrls)).then((result) => { underLoad = result; })
    : Promise.resolve();
  const cpuOf = () => list.reduce((ms, { server }) => ms + server.cpuMs(), 0);
  const result = await load({
    url: list.map(({ url }) => `${url}${spec.path}`), method: spec.method ?? 'POST',
    headers: spec.method === 'GET' ? {} : headers, body: spec.body, next: spec.next, onResponse: spec.onResponse,
    connections, duration, warmup,
    // The server's own CPU time per answered request: much steadier than req/s on a busy machine.
    onMeasure: () => {
      const cpuBefore = cpuOf();
      const dbBefore = dbPid ? treeCpuMs(dbPid) : 0;
      // CLOCK_MONOTONIC in µs, the clock of V8's profile timestamps: the stage breakdown keeps
      // only the samples of the measured window.
      const startUs = Number(process.hrtime.bigint() / 1000n);
      return () => ({
        serverCpuMs: Math.round(cpuOf() - cpuBefore), dbCpuMs: dbPid ? Math.round(treeCpuMs(dbPid) - dbBefore) : undefined,
        windowUs: [startUs, Number(process.hrtime.bigint() / 1000n)],
      });
    },
  });
  result.cpuUsPerRequest = result.requests > 0 ? Math.round((result.serverCpuMs * 1000) / result.requests) : null;
  if (dbPid) result.dbCpuUsPerRequest = result.requests > 0 ? Math.round((result.dbCpuMs * 1000) / result.requests) : null;
  await midRun;
  const rss = list.map(({ server }) => server.peakRss());
  for (const { server } of list) server.stopSampling();
  let spotResult;
  if (spot) {
    const after = await spotCheck(...checkUrls);
    spotResult = {
      ok: Boolean(underLoad?.ok) && after.ok,
      underLoad: underLoad ?? { ok: false, problems: ['the mid-run check did not finish'] },
      after,
    };
  }
  const peakRssMb = Math.round(rss.reduce((mb, r) => mb + r.totalMb, 0) * 10) / 10;
  const peakRssMaxProcessMb = Math.max(...rss.map((r) => r.maxProcessMb));
  const processes = rss.reduce((n, r) => n + r.processes, 0);
  log(`${name}: ${result.reqPerSec} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, ${result.cpuUsPerRequest} µs CPU/req${dbPid ? ` + ${result.dbCpuUsPerRequest} µs database` : ''}, peak RSS ${peakRssMb} MB${spotResult ? `, spot check ${spotResult.ok ? 'ok' : 'FAILED'}` : ''}`);
  return { ...result, peakRssMb, peakRssMaxProcessMb, processes, spotCheck: spotResult };
}

/** `tessera/resource`, resolved through the root package's own exports map, as a user imports it. */
async function importTesseraResource() {
  const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
  const target = pkg.exports?.['./resource']?.default ?? pkg.exports?.['./resource'];
  if (typeof target !== 'string') return { module: null, error: 'package.json exports no "./resource"' };
  const file = join(rootDir, target);
  if (!existsSync(file)) return { module: null, error: `${target} does not exist (run npm run build: it compiles packages/resource, then src/)` };
  try {
    return { module: await import(pathToFileURL(file).href), file, error: null };
  } catch (error) {
    return { module: null, error: `cannot import ${target}: ${error.message}` };
  }
}

// --- machine ------------------------------------------------------------------------------------

/** The CPU model as /proc/cpuinfo names it (os.cpus() elsewhere). */
function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch { /* not Linux */ }
  return cpus()[0]?.model ?? 'unknown';
}

function machineInfo() {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    date: new Date().toISOString(),
  };
}

/**
 * How busy the machine is before the run (all cores, over one second), and which other processes
 * use over 5% of a core: a noisy neighbour skews every number.
 */
async function busyProcesses() {
  const snapshot = () => {
    const cpu = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu.set(entry, Number(fields[11]) + Number(fields[12]));
      } catch { /* gone */ }
    }
    return cpu;
  };
  const cpuTotals = () => {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return { idle: fields[3] + fields[4], total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
  };
  try {
    const before = snapshot();
    const totalsBefore = cpuTotals();
    await new Promise((r) => setTimeout(r, 1000));
    const after = snapshot();
    const totalsAfter = cpuTotals();
    const machineBusyPercent = Math.round(100 * (1 - (totalsAfter.idle - totalsBefore.idle) / (totalsAfter.total - totalsBefore.total)));
    const busy = [];
    for (const [pid, ticks] of after) {
      const percent = ticks - (before.get(pid) ?? ticks); // ticks of 10 ms in 1 s = percent of a core
      if (percent < 5) continue;
      let command = '';
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 100);
      } catch { /* gone */ }
      busy.push({ pid: Number(pid), cpuPercent: percent, command });
    }
    return { machineBusyPercent, processes: busy.sort((a, b) => b.cpuPercent - a.cpuPercent).slice(0, 5) };
  } catch {
    return { machineBusyPercent: null, processes: [] };
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(benchDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** dist/ older than src/ means the benchmark would measure stale code. */
function checkBuild() {
  if (!existsSync(tesseraMain)) throw new Error('dist/cli/main.js is missing: run `npm run build` first (npm run bench does).');
  const built = statSync(tesseraMain).mtimeMs;
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
  if (newest(join(rootDir, 'src')) > built) log('warning: src/ is newer than dist/; run `npm run build` (npm run bench does) or you measure old code');
}

// --- the run ------------------------------------------------------------------------------------

async function main() {
  checkBuild();
  workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const busyAtStart = await busyProcesses();
  const results = {
    machine: { ...machineInfo(), busyPercentAtStart: busyAtStart.machineBusyPercent, busyProcessesAtStart: busyAtStart.processes },
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    settings: {
      connections: options.connections, durationSeconds: options.duration, warmupSeconds: options.warmup,
      microSeconds: options.microSeconds, steps: options.steps, storedRefreshTokens: options.stored,
    },
    versions: {
      node: process.version, 'oidc-provider': packageVersion('oidc-provider'), autocannon: packageVersion('autocannon'),
      fastify: packageVersion('fastify'), jose: packageVersion('jose'),
    },
    servers: {},
    micro: {},
    notes: [],
  };
  try {
    const want = (step) => options.steps.includes(step);
    let tokenResponseBytes = 700;

    if (want('micro')) {
      log(`ES256 signatures per second on one core (${options.microSeconds} s each)`);
      const sign = await signCeilings(options.microSeconds);
      results.micro.es256SignNodeCrypto = sign.nodeCrypto;
      results.micro.es256SignJose = sign.jose;
      log(`ES256 sign: node:crypto ${sign.nodeCrypto}/s, jose SignJWT ${sign.jose}/s`);
    }

    if (want('tessera1') || want('resource') || want('ceiling')) {
      const { server, issuer } = await startTessera({ workers: 1, dbPath: join(workDir, 'tessera-w1.db') });
      try {
        const checked = await precheck('Tessera', issuer);
        tokenResponseBytes = checked.responseBytes;
        if (want('resource')) await resourceSection(results, issuer, checked.jwksUri);
        if (want('tessera1')) {
          results.servers.tessera1 = {
            label: 'Tessera (SQLite, 1 worker)', ...(await loadRun('Tessera 1 worker', { server, url: issuer }, { spot: true })),
          };
        }
      } finally {
        await server.stop();
      }
    }

    if (want('ceiling')) {
      const { server, url, bodyBytes } = await startCeiling(tokenResponseBytes);
      try {
        results.servers.ceiling = {
          label: `HTTP ceiling (empty Fastify route, ${bodyBytes} B JSON)`, ...(await loadRun('empty Fastify route', { server, url })),
        };
      } finally {
        await server.stop();
      }
    }

    if (want('bare')) {
      const { server, issuer } = await startBare();
      try {
        await precheck('bare node:http + ES256', issuer);
        results.servers.bare = {
          label: 'token ceiling (bare node:http, Basic auth, ES256)', ...(await loadRun('bare node:http + ES256', { server, url: issuer })),
        };
      } finally {
        await server.stop();
      }
    }

    if (want('tessera2')) {
      const { server, issuer } = await startTessera({ workers: 2, dbPath: join(workDir, 'tessera-w2.db') });
      try {
        await precheck('Tessera (2 workers)', issuer);
        results.servers.tessera2 = {
          label: 'Tessera (SQLite, 2 workers)', ...(await loadRun('Tessera 2 workers', { server, url: issuer }, { spot: true })),
        };
      } finally {
        await server.stop();
      }
    }

    if (want('oidc-provider')) {
      const { server, issuer } = await startOidcProvider();
      try {
        await precheck('node-oidc-provider', issuer);
        results.servers.oidcProvider = {
          label: `node-oidc-provider ${results.versions['oidc-provider']}`, ...(await loadRun('node-oidc-provider', { server, url: issuer })),
        };
      } finally {
        await server.stop();
      }
    }

    if (want('stages')) results.stages = await stagesSection();
    if (want('sqlite-grants')) await sqliteGrantsSection(results);
    if (want('postgres')) await postgresSection(results);
    if (options.scaling) results.scaling = await scaling();
  } finally {
    await stopAll();
    results.machine.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
    if (flags.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }

  results.targets = evaluateTargets(results);
  if (flags['json-file']) writeFileSync(resolve(flags['json-file']), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : renderReport(results));
  const missed = results.targets.filter((t) => t.status === 'MISS' || t.status === 'FAIL');
  const failed = results.targets.filter((t) => t.status === 'FAIL');
  // A broken correctness check fails the run; a missed speed target only with --strict.
  return failed.length > 0 || (flags.strict && missed.length > 0) ? 1 : 0;
}

/**
 * §4: tessera/resource against jose on one core (distinct tokens, one token repeated), then a
 * Fastify route behind fastifyBearerAuth against the same route unprotected, under load.
 */
async function resourceSection(results, issuer, jwksUri) {
  const resource = await importTesseraResource();
  const poolSize = options.quick ? 100 : 2000;
  log(`minting ${poolSize} access tokens for the resource-server check`);
  const pool = await mintPool(async () => {
    const { status, json } = await postForm(`${issuer}/token`, TOKEN_BODY);
    if (status !== 200) throw new Error(`minting the token pool: POST /token answered ${status}`);
    return json.access_token;
  }, poolSize);
  const jwks = await (await fetch(jwksUri)).json();
  log(`JWT verification per second on one core (${options.microSeconds} s each side)`);
  const rates = await resourceVerifyRates({
    pool, issuer, audience: AUDIENCE, jwks, resourceModule: resource.module, seconds: options.microSeconds,
  });
  results.micro.joseJwtVerify = rates.joseDistinct;
  results.micro.resourceVerifyDistinct = rates.resourceDistinct;
  results.micro.joseJwtVerifyRepeated = rates.joseRepeated;
  results.micro.resourceVerifyRepeated = rates.resourceRepeated;
  const why = resource.error ?? rates.error;
  if (why) results.notes.push(`tessera/resource not measured: ${why}`);
  log(`verify: distinct tokens jose ${rates.joseDistinct}/s, tessera/resource ${rates.resourceDistinct ?? 'n/a'}/s; `
    + `one token repeated jose ${rates.joseRepeated}/s, tessera/resource ${rates.resourceRepeated ?? 'n/a'}/s`);
  if (!resource.module) return;

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ManagedProcess('Fastify route, fastifyBearerAuth', process.execPath, [
    join(benchDir, 'servers', 'protected-route.mjs'), String(port), resource.file, issuer, AUDIENCE,
  ], { cwd: benchDir, env: { NODE_ENV: 'production' } });
  try {
    await server.waitForHttp(`${url}/`);
    const probe = await fetch(`${url}/protected`, { headers: { authorization: `Bearer ${pool[0]}` } });
    const denied = await fetch(`${url}/protected`);
    if (probe.status !== 200 || denied.status !== 401) {
      throw new Error(`the protected route answered ${probe.status} with a token and ${denied.status} without (want 200, 401)`);
    }
    // Callers with their own tokens, each calling again and again: the pool in turn.
    let i = 0;
    const rotate = () => ({ headers: { authorization: `Bearer ${pool[i++ % pool.length]}` } });
    const open = await loadRun('Fastify route, unprotected', { server, url }, { spec: { path: '/open', method: 'GET', next: rotate } });
    const guarded = await loadRun('Fastify route, fastifyBearerAuth', { server, url }, { spec: { path: '/protected', method: 'GET', next: rotate } });
    results.servers.routeOpen = { label: 'Fastify GET route, unprotected', ...open };
    results.servers.routeProtected = { label: `Fastify GET route, fastifyBearerAuth (${pool.length} tokens in turn)`, ...guarded };
  } finally {
    await server.stop();
  }
}

/**
 * §3: server CPU µs per request by stage. Tessera runs the client_credentials load under
 * node --cpu-prof; the profile's samples are sorted into stages (bench/lib/stages.mjs) and
 * scaled to the measured CPU per request.
 */
async function stagesSection() {
  const profileDir = options.cpuProfDir ?? join(workDir, 'profiles');
  const { server, issuer } = await startTessera({ workers: 1, dbPath: join(workDir, 'tessera-stages.db'), profileDir, name: 'Tessera under --cpu-prof' });
  let run;
  try {
    await precheck('Tessera (--cpu-prof)', issuer);
    run = await loadRun('Tessera under --cpu-prof', { server, url: issuer });
  } finally {
    await server.stop(); // the profile is written as the process exits
  }
  const files = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir, f)) : [];
  if (files.length === 0) return { error: 'no .cpuprofile was written' };
  return { reqPerSec: run.reqPerSec, cpuUsPerRequest: run.cpuUsPerRequest, profiles: files.length, rows: stageBreakdown(files, run.cpuUsPerRequest, run.windowUs) };
}

/** Requests one grant's load can use up, with room to spare: 8,000/s over warm-up and measurement. */
function onePoolSize() {
  return Math.ceil(8000 * (options.warmup + options.duration)) + 100;
}

/** A fresh Tessera database with its schema, seed and signing key: one start, then stop. */
async function freshSqlite(dbPath) {
  const first = await startTessera({ dbPath, name: 'Tessera (creating the schema)' });
  await first.server.stop();
  return sqliteValue(dbPath, 'SELECT id FROM users WHERE username = ?', USERNAME);
}

/** Codes and refresh tokens the bench's client can redeem, hashed the server's way. */
function redeemables(userId, codeCount, refreshCount) {
  const codes = usable(codeCount, 'tsr_ac_', (row) => codeRow({
    ...row, clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, scope: ['read'], audience: AUDIENCE,
  }), hashToken);
  const refresh = usable(refreshCount, 'tsr_rt_', (row) => refreshTokenRow({
    ...row, clientId: CLIENT_ID, userId, scope: ['read'], audience: AUDIENCE,
  }), hashToken);
  return { codes, refresh };
}

/** Access tokens for the introspection load. */
async function accessTokens(issuer, count) {
  return mintPool(async () => (await postForm(`${issuer}/token`, TOKEN_BODY)).json.access_token, count);
}

/**
 * One grant's load on running servers; `ctx` holds what the grant uses up. One request first
 * must succeed (a benchmark of errors is worthless). The password grant runs with as many
 * connections as libuv has threads for argon2id (4): more only queue. In --quick the sizing loads
 * are half as long as the others.
 */
async function grantRun(db, grant, targets, ctx, extra = {}) {
  const label = GRANTS.find((g) => g.id === grant).label;
  const spec = grantRequest(grant, ctx);
  const first = Array.isArray(targets) ? targets[0] : targets;
  const own = spec.next?.() ?? {};
  const response = spec.method === 'GET'
    ? await fetch(`${first.url}${spec.path}`)
    : await fetch(`${first.url}${spec.path}`, { method: 'POST', headers: FORM_HEADERS, body: own.body ?? spec.body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${db}: ${label}: the first request answered ${response.status} ${text.slice(0, 200)}`);
  spec.onResponse?.(response.status, text);
  const short = options.quick ? { duration: options.duration / 2, warmup: options.warmup / 2 } : {};
  const result = await loadRun(`${db}: ${label}`, targets, {
    spec, ...short, ...(grant === 'password' ? { connections: 4, duration: options.duration } : {}), ...extra,
  });
  const row = {
    db, grant, label, ...pick(result), dbCpuUsPerRequest: result.dbCpuUsPerRequest ?? null,
    spotCheckOk: result.spotCheck ? result.spotCheck.ok : null, spotCheck: result.spotCheck,
  };
  const totalUs = (row.cpuUsPerRequest ?? 0) + (row.dbCpuUsPerRequest ?? 0);
  // A core fully busy with this work: what one core can serve.
  row.reqPerSecPerCore = totalUs > 0 ? Math.round(1e6 / totalUs) : null;
  row.cpuMsPerRequest = totalUs > 0 ? Math.round(totalUs / 10) / 100 : null;
  return row;
}

/**
 * §5 and §7 on SQLite: for each size, a database with that many stored refresh tokens (bulk
 * loaded), then the code exchange and refresh loads; at the first size, every grant of the
 * sizing guide.
 */
async function sqliteGrantsSection(results) {
  results.sizing = results.sizing ?? [];
  results.flat = [];
  for (const [index, size] of options.stored.entries()) {
    const dbPath = join(workDir, `flat-${size}.db`);
    const userId = await freshSqlite(dbPath);
    // The refresh chains start from stored tokens of the bench's client, part of the size: two
    // runs (warm-up, measured) of `connections` chains, plus a margin for chains cut at a run's end.
    const starters = Math.max(2 * options.connections + 16, Math.min(size, 256));
    const { codes, refresh } = redeemables(userId, onePoolSize(), starters);
    log(`bulk loading ${size.toLocaleString('en-US')} stored refresh tokens and ${codes.rows.length.toLocaleString('en-US')} codes`);
    const background = Math.max(0, size - refresh.rows.length);
    const loaded = loadSqlite(dbPath, {
      tokens: (function* rows() { yield* backgroundRefreshTokens(background, AUDIENCE); yield* refresh.rows; })(),
      codes: codes.rows,
    });
    const dbMegabytes = Math.round(statSync(dbPath).size / 1024 / 1024);
    log(`loaded ${JSON.stringify(loaded.rows)} in ${loaded.seconds.toFixed(1)} s (${dbMegabytes} MB)`);
    const { server, issuer } = await startTessera({ dbPath, name: `Tessera (${size} refresh tokens)` });
    try {
      await precheck(`Tessera (${size} stored refresh tokens)`, issuer);
      const ctx = {
        clientCredentialsBody: TOKEN_BODY, codes: new OneUsePool(codes.plaintexts), redirectUri: REDIRECT_URI,
        refreshTokens: new OneUsePool(refresh.plaintexts), username: USERNAME, password: PASSWORD,
        jwksPath: new URL((await precheck('Tessera', issuer)).jwksUri).pathname,
      };
      const target = { server, url: issuer };
      const grants = index === 0 ? GRANTS.map((g) => g.id) : ['authorization_code', 'refresh_token'];
      for (const grant of grants) {
        if (grant === 'introspection') ctx.accessTokens = await accessTokens(issuer, options.quick ? 50 : 500);
        const row = await grantRun('SQLite', grant, target, ctx, { spot: grant === 'refresh_token' });
        if (index === 0) results.sizing.push(row);
        if (grant === 'authorization_code' || grant === 'refresh_token') {
          results.flat.push({ storedRefreshTokens: loaded.rows.tokens, dbMegabytes, ...row });
        }
      }
      if (ctx.codes.exhausted || ctx.refreshTokens.exhausted) results.notes.push(`flat check at ${size}: the pool of codes or refresh tokens ran out`);
    } finally {
      await server.stop();
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  }
}

/**
 * §6: Tessera on a PostgreSQL 15 the bench starts: one instance (client_credentials with the spot
 * checks, then the sizing grants), then two instances on one database sharing the load.
 */
async function postgresSection(results) {
  if (!options.postgres) {
    results.postgres = { skipped: 'skipped (--no-postgres)' };
    return;
  }
  if (!postgresAvailable()) {
    results.postgres = { skipped: `skipped: PostgreSQL 15 is not installed (no initdb in ${process.env.TESSERA_PG_BIN ?? '/usr/lib/postgresql/15/bin'})` };
    results.notes.push(`PostgreSQL ${results.postgres.skipped}`);
    return;
  }
  results.sizing = results.sizing ?? [];
  const cluster = new BenchPostgres(await freePort());
  try {
    log('starting a throwaway PostgreSQL 15');
    cluster.start();
    results.postgres = { version: cluster.run('postgres', ['--version']).trim() };
    const dbPid = cluster.pid;
    const one = await startTessera({ db: cluster.url, name: 'Tessera (PostgreSQL)' });
    try {
      const checked = await precheck('Tessera (PostgreSQL)', one.issuer);
      results.servers.tesseraPg1 = {
        label: 'Tessera (PostgreSQL, 1 instance)',
        ...(await loadRun('Tessera on PostgreSQL, 1 instance', { server: one.server, url: one.issuer }, { spot: true, dbPid })),
      };
      const client = await pgClient(cluster.url);
      const userId = (await client.query('SELECT id FROM users WHERE username = $1', [USERNAME])).rows[0]?.id;
      await client.end();
      const { codes, refresh } = redeemables(userId, onePoolSize(), Math.max(2 * options.connections + 16, Math.min(options.stored[0], 256)));
      const background = Math.max(0, options.stored[0] - refresh.rows.length);
      const loaded = await loadPostgres(cluster.url, {
        tokens: (function* rows() { yield* backgroundRefreshTokens(background, AUDIENCE); yield* refresh.rows; })(),
        codes: codes.rows,
      });
      log(`PostgreSQL: loaded ${JSON.stringify(loaded.rows)} in ${loaded.seconds.toFixed(1)} s`);
      const ctx = {
        clientCredentialsBody: TOKEN_BODY, codes: new OneUsePool(codes.plaintexts), redirectUri: REDIRECT_URI,
        refreshTokens: new OneUsePool(refresh.plaintexts), username: USERNAME, password: PASSWORD,
        jwksPath: new URL(checked.jwksUri).pathname,
      };
      const grants = options.quick ? ['authorization_code', 'refresh_token'] : GRANTS.map((g) => g.id);
      for (const grant of grants) {
        if (grant === 'introspection') ctx.accessTokens = await accessTokens(one.issuer, 500);
        results.sizing.push(await grantRun('PostgreSQL', grant, { server: one.server, url: one.issuer }, ctx, { dbPid }));
      }
    } finally {
      await one.server.stop();
    }
    if (options.quick) {
      results.postgres.twoInstances = 'skipped in --quick';
    } else {
      const a = await startTessera({ db: cluster.url, name: 'Tessera (PostgreSQL, instance A)' });
      const b = await startTessera({ db: cluster.url, name: 'Tessera (PostgreSQL, instance B)', publicIssuer: a.publicIssuer });
      try {
        await precheck('Tessera (PostgreSQL, instance A)', a.issuer);
        await precheck('Tessera (PostgreSQL, instance B)', b.issuer, a.publicIssuer);
        results.servers.tesseraPg2 = {
          label: 'Tessera (PostgreSQL, 2 instances)',
          ...(await loadRun('Tessera on PostgreSQL, 2 instances', [{ server: a.server, url: a.issuer }, { server: b.server, url: b.issuer }], { spot: true, dbPid })),
        };
      } finally {
        await a.server.stop();
        await b.server.stop();
      }
    }
  } catch (error) {
    results.postgres = { ...results.postgres, error: String(error?.message ?? error) };
    throw error;
  } finally {
    await stopAll();
    try {
      cluster.stop();
    } catch (error) {
      log(`stopping PostgreSQL: ${error.message}`);
    }
  }
}

/** How the cost grows with connections. */
async function scaling() {
  const out = { connections: [] };
  for (const levelServer of ['tessera1', 'oidc-provider']) {
    const { server, issuer } = levelServer === 'tessera1'
      ? await startTessera({ workers: 1, dbPath: join(workDir, 'scaling-connections.db') })
      : await startOidcProvider();
    try {
      await precheck(server.name, issuer);
      for (const connections of options.levels) {
        const result = await loadRun(`${server.name}, ${connections} connections`, { server, url: issuer }, { connections });
        out.connections.push({ server: levelServer, connections, ...pick(result) });
      }
    } finally {
      await server.stop();
    }
  }
  return out;
}

function pick(result) {
  return {
    reqPerSec: result.reqPerSec, p50: result.latencyMs.p50, p99: result.latencyMs.p99, non2xx: result.non2xx,
    errors: result.errors, timeouts: result.timeouts, peakRssMb: result.peakRssMb, cpuUsPerRequest: result.cpuUsPerRequest,
  };
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`FAILED: ${error?.stack ?? error}`);
  await stopAll();
  process.exitCode = 1;
}
