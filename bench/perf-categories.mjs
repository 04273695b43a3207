#!/usr/bin/env node
// Where a Tessera server's CPU goes, by what it is doing, from `perf script` output of a
// `perf record -g` of the server process (started with node --perf-basic-prof):
//   perf script -i perf.data -F comm,tid,ip,sym | node bench/perf-categories.mjs
// Each sample is put in the first category whose rule matches any frame of its stack, so a
// kernel write under the SQLite insert counts as the insert, and under the HTTP response as HTTP.
import { createInterface } from 'node:readline';

const RULES = [
  ['WAL checkpoint', /walCheckpoint|sqlite3Checkpoint/],
  ['token insert (SQLite)', /Statement::JS_run|sqliteTransaction|group-commit\.js/],
  ['client lookup (SQLite)', /Statement::JS_get|clientFromRow/],
  ['ES256 sign', /signEs256Jwt|signOneShot|SignJWT|jws_sign|CryptoJob<node::crypto::SignTraits>|ecdsa|EVP_DigestSign|ecp_nistz256|\bBN_|\bbn_/i],
  ['HMAC-SHA-256 (client secret, token)', /KeyedHash|hmac|node::crypto::Hmac|node::crypto::Hash::/],
  ['random (jti, family id)', /random\.js|randomFill|RandomBytes/],
  ['token endpoint logic (params, client auth, scope, audience)', /token-endpoint\.js|client-credentials\.js|token-issuer\.js|client-auth\.js|form-params\.js|scope\.js|audience\.js/],
  ['garbage collection', /v8::internal::(Heap|Scavenge|MarkCompact|MinorMarkSweep|Sweeper|ConcurrentMarking|MemoryAllocator)|GCTracer/],
  ['JIT compilation', /v8::internal::(compiler|Compiler|OptimizingCompileDispatcher|baseline|Maglev)|Builtins_CompileLazy/],
  ['logging (pino child logger, redact)', /pino|redact/],
  ['HTTP I/O and parsing, Fastify, routing, JSON', /./],
];

const totals = new Map(RULES.map(([name]) => [name, 0]));
let samples = 0;
let stack = [];
const flush = () => {
  if (stack.length === 0) return;
  samples++;
  const text = stack.join('\n');
  const [name] = RULES.find(([, rule]) => rule.test(text));
  totals.set(name, totals.get(name) + 1);
  stack = [];
};
for await (const line of createInterface({ input: process.stdin })) {
  if (/^\S/.test(line)) { flush(); continue; } // "comm tid" header of a new sample
  if (line.trim()) stack.push(line.trim());
}
flush();
for (const [name, n] of [...totals].sort((a, b) => b[1] - a[1])) {
  process.stdout.write(`${((100 * n) / samples).toFixed(1).padStart(5)}%  ${name}\n`);
}
process.stdout.write(`(${samples} samples)\n`);
