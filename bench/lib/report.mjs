// The issue's targets, checked against this run's own numbers, and the one table that shows them.

/** Targets of issue 4, judged on the default single-process Tessera unless the target says otherwise. */
export function evaluateTargets(results) {
  const { servers, micro } = results;
  const t1 = servers.tessera1;
  const op = servers.oidcProvider;
  const ceiling = servers.ceiling;
  const tesseraRuns = [servers.tessera1, servers.tessera2].filter(Boolean);
  const targets = [];
  const add = (id, description, measured, status, detail) => targets.push({ id, description, measured, status, detail });
  const judge = (ok) => (ok ? 'PASS' : 'FAIL');

  if (t1 && op) {
    const ratio = t1.reqPerSec / op.reqPerSec;
    add('throughput', 'client_credentials req/s >= 2x node-oidc-provider (1 Tessera process)', `${ratio.toFixed(2)}x`,
      judge(ratio >= 2), servers.tessera2 ? `2 workers: ${(servers.tessera2.reqPerSec / op.reqPerSec).toFixed(2)}x` : undefined);
  } else add('throughput', 'client_credentials req/s >= 2x node-oidc-provider (1 Tessera process)', 'not measured', 'n/a');

  if (t1) {
    add('p99', `p99 <= 15 ms at ${t1.connections} connections (1 Tessera process)`, `${t1.latencyMs.p99} ms`, judge(t1.latencyMs.p99 <= 15),
      servers.tessera2 ? `2 workers: ${servers.tessera2.latencyMs.p99} ms` : undefined);
  } else add('p99', 'p99 <= 15 ms at 32 connections', 'not measured', 'n/a');

  if (t1 && ceiling) {
    const share = t1.reqPerSec / ceiling.reqPerSec;
    add('ceiling', 'one Tessera process >= 50% of the empty-route HTTP ceiling', percent(share), judge(share >= 0.5));
  } else add('ceiling', 'one Tessera process >= 50% of the empty-route HTTP ceiling', 'not measured', 'n/a');

  if (micro.tesseraResourceVerify && micro.joseJwtVerify) {
    const share = micro.tesseraResourceVerify / micro.joseJwtVerify;
    add('verify', 'tessera/resource verify >= 80% of raw jose.jwtVerify', percent(share), judge(share >= 0.8));
  } else add('verify', 'tessera/resource verify >= 80% of raw jose.jwtVerify', 'not measured', 'n/a',
    results.notes.find((n) => n.startsWith('tessera/resource')));

  if (tesseraRuns.length > 0) {
    const worst = Math.max(...tesseraRuns.map((r) => r.peakRssMaxProcessMb));
    add('rss', 'server RSS under load < 200 MB (largest Tessera process)', `${worst} MB`, judge(worst < 200));
    const errors = tesseraRuns.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    add('errors', 'Tessera answers every request of the load with 2xx', `${errors} non-2xx/errors`, judge(errors === 0));
    const checks = tesseraRuns.map((r) => r.spotCheck).filter(Boolean);
    const failed = checks.filter((c) => !c.ok);
    add('spot-check', 'introspection active, revocation works, revoked token inactive (under load and after each run)',
      `${checks.length - failed.length}/${checks.length} runs ok`, judge(checks.length > 0 && failed.length === 0),
      failed.length ? failed.flatMap((c) => [...c.underLoad.problems, ...c.after.problems]).join('; ') : undefined);
  }
  return targets;
}

function percent(share) {
  return `${Math.round(share * 100)}%`;
}

function int(n) {
  return n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US');
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function renderReport(results) {
  const { machine: m, settings: s, servers, micro, targets } = results;
  const out = [];
  out.push(`Tessera benchmark, ${m.date}`);
  out.push(`machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; `
    + `load average ${m.loadAverageAtStart.join(' ')} at start, ${(m.loadAverageAtEnd ?? []).join(' ')} at end`);
  if (m.busyPercentAtStart !== null && m.busyPercentAtStart !== undefined) {
    const who = m.busyProcessesAtStart?.length
      ? `: ${m.busyProcessesAtStart.map((p) => `${p.cpuPercent}% ${p.command.slice(0, 60)}`).join('; ')}` : '';
    out.push(`before the run the machine was ${m.busyPercentAtStart}% busy${who}`);
  }
  out.push(`command: ${results.command}`);
  out.push(`work: POST /token, client_credentials, client_secret_basic, RFC 9068 JWT signed ES256, scope read; `
    + `autocannon ${s.connections} connections, ${s.warmupSeconds} s warm-up + ${s.durationSeconds} s; all on 127.0.0.1`);
  out.push('');

  const order = ['tessera1', 'tessera2', 'oidcProvider', 'ceiling'];
  const rows = order.filter((k) => servers[k]).map((k) => {
    const r = servers[k];
    const rss = r.processes > 1 ? `${r.peakRssMb} (${r.processes} proc, max ${r.peakRssMaxProcessMb})` : `${r.peakRssMb}`;
    return [r.label, int(r.reqPerSec), r.latencyMs.p50, r.latencyMs.p99, r.non2xx + r.errors + r.timeouts, rss, int(r.cpuUsPerRequest)];
  });
  if (rows.length) {
    out.push(table(['server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'server CPU µs/req'], rows));
    out.push('');
  }

  const microRows = [
    ['ES256 sign, node:crypto', micro.es256SignNodeCrypto],
    ['ES256 sign, jose SignJWT', micro.es256SignJose],
    ['jose.jwtVerify, local key', micro.joseJwtVerify],
    ['tessera/resource verify, JWKS cached', micro.tesseraResourceVerify],
  ].filter(([, v]) => v !== undefined).map(([name, v]) => [name, int(v)]);
  if (microRows.length) {
    out.push(table(['one core', 'ops/s'], microRows));
    out.push('');
  }

  const ratioRows = [];
  const t1 = servers.tessera1;
  const t2 = servers.tessera2;
  if (t1 && servers.oidcProvider) {
    ratioRows.push(['Tessera / node-oidc-provider', `${(t1.reqPerSec / servers.oidcProvider.reqPerSec).toFixed(2)}x`,
      t2 ? `${(t2.reqPerSec / servers.oidcProvider.reqPerSec).toFixed(2)}x` : '']);
  }
  if (t1 && servers.ceiling) {
    ratioRows.push(['Tessera / HTTP ceiling', percent(t1.reqPerSec / servers.ceiling.reqPerSec),
      t2 ? percent(t2.reqPerSec / servers.ceiling.reqPerSec) : '']);
  }
  if (micro.tesseraResourceVerify && micro.joseJwtVerify) {
    ratioRows.push(['tessera/resource verify / jose.jwtVerify', percent(micro.tesseraResourceVerify / micro.joseJwtVerify), '']);
  }
  if (t1 && micro.es256SignNodeCrypto) {
    // Tessera signs with node:crypto: one core's signatures per second bound one process.
    ratioRows.push(['Tessera / ES256 sign ceiling (node:crypto)', percent(t1.reqPerSec / micro.es256SignNodeCrypto),
      t2 ? percent(t2.reqPerSec / micro.es256SignNodeCrypto) : '']);
  }
  if (ratioRows.length) {
    out.push(table(['ratio', '1 worker', '2 workers'], ratioRows));
    out.push('');
  }

  out.push(table(['target', 'measured', 'result'], targets.map((t) => [t.description, t.measured, t.status])));
  for (const t of targets.filter((x) => x.detail)) out.push(`  ${t.id}: ${t.detail}`);
  for (const note of results.notes) out.push(`note: ${note}`);

  if (results.scaling) {
    out.push('');
    out.push(table(['server', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'server CPU µs/req'],
      results.scaling.connections.map((r) => [r.server === 'tessera1' ? 'Tessera (1 worker)' : 'node-oidc-provider',
        r.connections, int(r.reqPerSec), r.p50, r.p99, r.non2xx + r.errors, r.peakRssMb, int(r.cpuUsPerRequest)])));
    out.push('');
    out.push(table(['stored tokens', 'db MB', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'server CPU µs/req', 'spot check'],
      results.scaling.storedTokens.map((r) => [int(r.storedTokens), r.dbMegabytes, int(r.reqPerSec), r.p50, r.p99,
        r.non2xx + r.errors, r.peakRssMb, int(r.cpuUsPerRequest), r.spotCheckOk ? 'ok' : 'FAILED'])));
  }
  return `${out.join('\n')}\n`;
}
