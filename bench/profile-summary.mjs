#!/usr/bin/env node
// Where the time goes in a V8 .cpuprofile (from `node bench/run.mjs --cpu-prof DIR`):
//   node bench/profile-summary.mjs DIR/CPU.*.cpuprofile [--top 30]
// prints the self time per function, the self time per package/area, and the inclusive time of
// the functions of Tessera's request path.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Piped into head: stop quietly when the reader has had enough.
process.stdout.on('error', (error) => { if (error.code === 'EPIPE') process.exit(0); else throw error; });

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
if (positionals.length === 0) {
  process.stderr.write('usage: node bench/profile-summary.mjs PROFILE.cpuprofile [--top N]\n');
  process.exit(2);
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const place = (frame) => {
    const url = frame.url.replace(/^file:\/\//, '');
    const short = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    return `${frame.functionName || '(anonymous)'} ${short}${url ? `:${frame.lineNumber + 1}` : ''}`;
  };
  const area = (frame) => {
    const url = frame.url;
    if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8)';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1];
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    const dist = /\/dist\/(.*)$/.exec(url);
    return dist ? `tessera ${dist[1]}` : url;
  };

  const selfByFunction = new Map();
  const selfByArea = new Map();
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    selfByFunction.set(place(node.callFrame), (selfByFunction.get(place(node.callFrame)) ?? 0) + us);
    selfByArea.set(area(node.callFrame), (selfByArea.get(area(node.callFrame)) ?? 0) + us);
    // Inclusive: every distinct function on the stack of this sample gets the time once.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = place(byId.get(cur).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }

  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const top = Number(values.top);
  const print = (title, map, filter = () => true, n = top) => {
    process.stdout.write(`\n${title}\n`);
    [...map.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)
      .forEach(([k, us]) => process.stdout.write(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`));
  };
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n`);
  print('self time by area', selfByArea, () => true, 25);
  print('self time by function', selfByFunction);
  print('inclusive time, Tessera and key library frames', inclusive,
    (k) => /dist\/|jose|better-sqlite3|fastify\/lib\/(route|handleRequest|reply)|pino/.test(k), top);
}
