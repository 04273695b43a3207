#!/usr/bin/env node
// npm run bench: Tessera beside node-oidc-provider, against this machine's own ceilings, in one run.
// Everything runs on 127.0.0.1. See docs/BENCHMARKS.md for what is measured and why.
//
//   node bench/run.mjs                 the full run (32 connections, 2 s warm-up, 10 s measured)
//   node bench/run.mjs --quick         a 1 s smoke run of the same steps
//   node bench/run.mjs --json          the same results as JSON on stdout (progress goes to stderr)
//   node bench/run.mjs --scaling       also: 1/8/32/128 connections, 100/10k/1M stored tokens
//   node bench/run.mjs --help          every option
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { load } from './lib/load.mjs';
import { signCeilings, verifyRates } from './lib/micro.mjs';
import { prefillTokens } from './lib/prefill.mjs';
import { freePort, ManagedProcess, processTree, stopAll } from './lib/processes.mjs';
import { evaluateTargets, renderReport } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

const HELP = `Usage: node bench/run.mjs [options]

  --quick                 smoke run: 1 s measured, 0.5 s warm-up, short micro-benchmarks
  --duration <s>          measured seconds of each load run (default 10)
  --warmup <s>            warm-up seconds before each load run (default 2)
  --connections <n>       autocannon connections (default 32)
  --micro <s>             seconds of each single-core micro-benchmark (default 3)
  --only <list>           comma-separated subset of: micro,tessera1,ceiling,tessera2,oidc-provider
  --scaling               also measure 1/8/32/128 connections and 100/10k/1M stored tokens
  --levels <list>         connection levels of --scaling (default 1,8,32,128)
  --stored <list>         stored-token counts of --scaling (default 100,10000,1000000)
  --cpu-prof <dir>        run Tessera under node --cpu-prof, profiles written to <dir>
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

const STEPS = ['micro', 'tessera1', 'ceiling', 'tessera2', 'oidc-provider'];
const options = {
  quick: flags.quick,
  duration: positiveNumber('duration', flags.duration, flags.quick ? 1 : 10),
  warmup: positiveNumber('warmup', flags.warmup, flags.quick ? 0.5 : 2),
  connections: positiveNumber('connections', flags.connections, 32),
  microSeconds: positiveNumber('micro', flags.micro, flags.quick ? 0.3 : 3),
  steps: flags.only ? flags.only.split(',').map((s) => s.trim()) : STEPS,
  scaling: flags.scaling,
  levels: numberList('levels', flags.levels, [1, 8, 32, 128]),
  stored: numberList('stored', flags.stored, [100, 10_000, 1_000_000]),
  cpuProfDir: flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined,
};
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
async function precheck(name, issuer) {
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
    issuer, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'],
  }).catch((error) => fail(`signature or claims do not verify: ${error.message}`));
  return { token: json.access_token, responseBytes: bytes, jwksUri: discovery.jwks_uri };
}

/** RFC 7662 / RFC 7009 on Tessera: a fresh token introspects active, and inactive once revoked. */
async function spotCheck(issuer) {
  const problems = [];
  const minted = await postForm(`${issuer}/token`, TOKEN_BODY);
  if (minted.status !== 200) return { ok: false, problems: [`POST /token answered ${minted.status}`] };
  const token = minted.json.access_token;
  const before = await postForm(`${issuer}/introspect`, `token=${formEncode(token)}`);
  if (before.status !== 200 || before.json.active !== true) problems.push(`fresh token: introspection answered ${before.status} active=${before.json.active}`);
  else if (before.json.client_id !== CLIENT_ID || before.json.scope !== 'read') problems.push('fresh token: introspection has the wrong client_id or scope');
  const revoked = await postForm(`${issuer}/revoke`, `token=${formEncode(token)}`);
  if (revoked.status !== 200) problems.push(`revocation answered ${revoked.status}`);
  const after = await postForm(`${issuer}/introspect`, `token=${formEncode(token)}`);
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
        grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'client_secret_basic',
      }],
      users: [],
    }, null, 2), { mode: 0o600 });
  }
  return seedPath;
}

const tesseraMain = join(rootDir, 'dist', 'cli', 'main.js');

async function startTessera({ workers, dbPath, profile = false }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const nodeArgs = profile && options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  const server = new ManagedProcess(`Tessera (${workers} worker${workers > 1 ? 's' : ''})`, process.execPath, [
    ...nodeArgs, tesseraMain, 'serve', '--port', String(port), '--db', `sqlite:${dbPath}`, '--seed', tesseraSeed(),
    '--log-level', 'warn', '--workers', String(workers), '--audience', AUDIENCE, '--issuer', issuer,
  ], { cwd: rootDir, env: { NODE_ENV: 'production' } });
  await server.waitForHttp(`${issuer}/.well-known/oauth-authorization-server`);
  if (workers > 1) await waitForWorkers(server, issuer, workers);
  return { server, issuer };
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

/** Load on POST /token while sampling the server's memory; a spot check mid-run and after it. */
async function loadRun(name, server, baseUrl, { connections = options.connections, spot = false } = {}) {
  log(`${name}: ${connections} connections, ${options.warmup} s warm-up + ${options.duration} s`);
  server.startSampling();
  let underLoad;
  const midRun = spot
    ? new Promise((r) => setTimeout(r, (options.warmup + options.duration / 2) * 1000))
      .then(() => spotCheck(baseUrl)).then((result) => { underLoad = result; })
    : Promise.resolve();
  const result = await load({
    url: `${baseUrl}/token`, headers: FORM_HEADERS, body: TOKEN_BODY,
    connections, duration: options.duration, warmup: options.warmup,
    // The server's own CPU time per answered request: much steadier than req/s on a busy machine.
    onMeasure: () => {
      const cpuBefore = server.cpuMs();
      return () => ({ serverCpuMs: Math.round(server.cpuMs() - cpuBefore) });
    },
  });
  result.cpuUsPerRequest = result.requests > 0 ? Math.round((result.serverCpuMs * 1000) / result.requests) : null;
  await midRun;
  const rss = server.peakRss();
  server.stopSampling();
  let spotResult;
  if (spot) {
    const after = await spotCheck(baseUrl);
    spotResult = {
      ok: Boolean(underLoad?.ok) && after.ok,
      underLoad: underLoad ?? { ok: false, problems: ['the mid-run check did not finish'] },
      after,
    };
  }
  log(`${name}: ${result.reqPerSec} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, ${result.cpuUsPerRequest} µs CPU/req, peak RSS ${rss.totalMb} MB${spotResult ? `, spot check ${spotResult.ok ? 'ok' : 'FAILED'}` : ''}`);
  return { ...result, peakRssMb: rss.totalMb, peakRssMaxProcessMb: rss.maxProcessMb, processes: rss.processes, spotCheck: spotResult };
}

/** `tessera/resource`, resolved through the root package's own exports map, as a user imports it. */
async function importTesseraResource() {
  const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
  const target = pkg.exports?.['./resource']?.default ?? pkg.exports?.['./resource'];
  if (typeof target !== 'string') return { module: null, error: 'package.json exports no "./resource"' };
  const file = join(rootDir, target);
  if (!existsSync(file)) return { module: null, error: `${target} does not exist (run npm run build: it compiles packages/resource, then src/)` };
  try {
    return { module: await import(pathToFileURL(file).href), error: null };
  } catch (error) {
    return { module: null, error: `cannot import ${target}: ${error.message}` };
  }
}

// --- machine ------------------------------------------------------------------------------------

function machineInfo() {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
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
      microSeconds: options.microSeconds, steps: options.steps,
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

    if (want('tessera1') || want('micro') || want('ceiling')) {
      const { server, issuer } = await startTessera({ workers: 1, dbPath: join(workDir, 'tessera-w1.db'), profile: true });
      try {
        const checked = await precheck('Tessera', issuer);
        tokenResponseBytes = checked.responseBytes;
        if (want('micro')) {
          const resource = await importTesseraResource();
          const jwks = await (await fetch(checked.jwksUri)).json();
          const kid = decodeProtectedHeader(checked.token).kid;
          const jwk = jwks.keys.find((k) => k.kid === kid) ?? jwks.keys[0];
          log(`JWT verification per second on one core (${options.microSeconds} s each)`);
          const verify = await verifyRates({
            token: checked.token, issuer, audience: AUDIENCE, jwk, resourceModule: resource.module, seconds: options.microSeconds,
          });
          results.micro.joseJwtVerify = verify.jose;
          results.micro.tesseraResourceVerify = verify.resource;
          const why = resource.error ?? verify.resourceError;
          if (why) results.notes.push(`tessera/resource not measured: ${why}`);
          log(`verify: jose.jwtVerify ${verify.jose}/s, tessera/resource ${verify.resource ?? 'n/a'}/s${why ? ` (${why})` : ''}`);
        }
        if (want('tessera1')) {
          results.servers.tessera1 = {
            label: 'Tessera (SQLite, 1 worker)', ...(await loadRun('Tessera 1 worker', server, issuer, { spot: true })),
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
          label: `HTTP ceiling (empty Fastify route, ${bodyBytes} B JSON)`, ...(await loadRun('empty Fastify route', server, url)),
        };
      } finally {
        await server.stop();
      }
    }

    if (want('tessera2')) {
      const { server, issuer } = await startTessera({ workers: 2, dbPath: join(workDir, 'tessera-w2.db'), profile: true });
      try {
        await precheck('Tessera (2 workers)', issuer);
        results.servers.tessera2 = {
          label: 'Tessera (SQLite, 2 workers)', ...(await loadRun('Tessera 2 workers', server, issuer, { spot: true })),
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
          label: `node-oidc-provider ${results.versions['oidc-provider']}`, ...(await loadRun('node-oidc-provider', server, issuer)),
        };
      } finally {
        await server.stop();
      }
    }

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
  const missed = results.targets.filter((t) => t.status === 'FAIL');
  return flags.strict && missed.length > 0 ? 1 : 0;
}

/** How the cost grows: connections, and the size of the tokens table. */
async function scaling() {
  const out = { connections: [], storedTokens: [] };
  for (const levelServer of ['tessera1', 'oidc-provider']) {
    const { server, issuer } = levelServer === 'tessera1'
      ? await startTessera({ workers: 1, dbPath: join(workDir, 'scaling-connections.db') })
      : await startOidcProvider();
    try {
      await precheck(server.name, issuer);
      for (const connections of options.levels) {
        const result = await loadRun(`${server.name}, ${connections} connections`, server, issuer, { connections });
        out.connections.push({ server: levelServer, connections, ...pick(result) });
      }
    } finally {
      await server.stop();
    }
  }
  for (const count of options.stored) {
    const dbPath = join(workDir, `stored-${count}.db`);
    // A first start creates the schema, the client and the signing key; then the rows go in.
    const first = await startTessera({ workers: 1, dbPath });
    await first.server.stop();
    log(`pre-filling ${count} tokens`);
    const filled = prefillTokens(dbPath, count, AUDIENCE);
    const dbMegabytes = Math.round(statSync(dbPath).size / 1024 / 1024);
    log(`pre-filled ${filled.rows} rows (${dbMegabytes} MB) in ${filled.seconds.toFixed(1)} s`);
    const { server, issuer } = await startTessera({ workers: 1, dbPath });
    try {
      await precheck(`Tessera (${count} stored tokens)`, issuer);
      const result = await loadRun(`Tessera, ${count} stored tokens`, server, issuer, { spot: true });
      out.storedTokens.push({
        storedTokens: filled.rows, dbMegabytes, ...pick(result),
        spotCheckOk: result.spotCheck?.ok ?? null,
      });
    } finally {
      await server.stop();
    }
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}-wal`, { force: true });
    rmSync(`${dbPath}-shm`, { force: true });
  }
  return out;
}

function pick(result) {
  return {
    reqPerSec: result.reqPerSec, p50: result.latencyMs.p50, p99: result.latencyMs.p99, non2xx: result.non2xx,
    errors: result.errors, peakRssMb: result.peakRssMb, cpuUsPerRequest: result.cpuUsPerRequest,
  };
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`FAILED: ${error?.stack ?? error}`);
  await stopAll();
  process.exitCode = 1;
}
