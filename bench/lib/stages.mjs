// Server CPU per request by stage, from a V8 .cpuprofile of a Tessera process under load
// (the stages step of `node bench/run.mjs`): HTTP, parse, client authentication, sign, store, serialize.
//
// Built-ins such as JSON.stringify are no frames of their own in V8 profiles: their time is
// their caller's (the reply's serialisation is Fastify's reply.js, the JWT's claims are sign).
// Each sample is charged to the innermost frame on its stack that a rule recognises, so the
// SQLite insert under the token issuer counts as "store", and the SHA-256/HMAC under client
// authentication as "client authentication". Rules match file paths of dist/ (and package
// names), not line numbers, so they survive refactoring within a file. V8's sampler sees only
// the main thread and counts wall-clock time while the thread runs JavaScript or native code it
// called; the shares are therefore scaled to the process's measured CPU µs per request (from
// /proc, all threads), which makes the stage figures add up to the measured total.
import { readFileSync } from 'node:fs';

/** Stages in report order, each with the frame rules that put a sample in it. */
export const STAGES = [
  ['sign', [/keys\/jws-es256\.js/, /keys\/jws\.js/, /\bsignOneShot\b|\bsignEs256/, /jose\/dist\/.*\/(sign|jws)/]],
  ['client authentication', [/core\/client-auth\.js/, /core\/secret-hash\.js/, /client-secret-throttle\.js/, /store\/(sqlite|postgres)\/clients\.js/, /client-cache/]],
  ['store', [/\/store\//, /better-sqlite3/, /node_modules\/pg(-[a-z]+)?\//, /group-commit\.js/, /deny-list|token-state/]],
  ['serialize', [/fast-json-stringify/, /fastify\/lib\/reply\.js/]],
  ['parse', [/server\/form-body\.js/, /core\/form-params\.js/, /node:querystring|querystring/, /fastify\/lib\/contentTypeParser\.js/]],
  ['token logic', [/\/grants\//, /core\/(scope|audience|tokens|random|pkce|password)\.js/, /server\/routes\//]],
  ['HTTP', [/node:_http|node:http|node:net|node:stream|node:internal\/(http|stream|streams|net)/, /fastify|find-my-way|avvio|light-my-request|@fastify|pino/, /server\/(app|request-id|request-log|security-headers|error-handler|metrics)\.js/]],
  ['GC', [/\(garbage collector\)/]],
];

/** The stage of one call frame, or undefined. */
function frameStage(frame) {
  const where = `${frame.functionName} ${frame.url}`;
  for (const [stage, rules] of STAGES) if (rules.some((rule) => rule.test(where))) return stage;
  return undefined;
}

/**
 * Main-thread sample time by stage from one .cpuprofile, idle excluded.
 * @returns {{ totalUs: number, byStage: Record<string, number> }} microseconds
 */
export function stagesOfProfile(file, windowUs) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOfNode = new Map();
  const stageOf = (id) => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    const node = byId.get(id);
    if (node.callFrame.functionName === '(idle)') { stageOfNode.set(id, null); return null; }
    const own = frameStage(node.callFrame);
    const up = parent.get(id);
    const stage = own ?? (up === undefined ? 'other' : stageOf(up) ?? 'other');
    stageOfNode.set(id, stage);
    return stage;
  };
  const byStage = {};
  let totalUs = 0;
  // Sample timestamps are V8's monotonic clock in µs: startTime plus the running sum of deltas.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (windowUs && (at < windowUs[0] || at > windowUs[1])) return;
    const stage = stageOf(id);
    if (stage === null) return;
    byStage[stage] = (byStage[stage] ?? 0) + us;
    totalUs += us;
  });
  return { totalUs, byStage };
}

/**
 * CPU µs per request by stage: each stage's share of the sampled (non-idle) main-thread time,
 * times the measured server CPU µs per request. The shares of several profiles (cluster
 * workers, the checkpoint thread) are pooled. With `windowUs` ([start, end] on CLOCK_MONOTONIC,
 * µs), only the samples of the measured load count, not start-up or warm-up.
 */
export function stageBreakdown(files, cpuUsPerRequest, windowUs) {
  const pooled = {};
  let total = 0;
  for (const file of files) {
    const { totalUs, byStage } = stagesOfProfile(file, windowUs);
    total += totalUs;
    for (const [stage, us] of Object.entries(byStage)) pooled[stage] = (pooled[stage] ?? 0) + us;
  }
  const order = [...STAGES.map(([name]) => name), 'other'];
  return order.filter((stage) => pooled[stage]).map((stage) => ({
    stage,
    share: total > 0 ? pooled[stage] / total : 0,
    usPerRequest: total > 0 && cpuUsPerRequest ? Math.round((pooled[stage] / total) * cpuUsPerRequest) : null,
  }));
}
