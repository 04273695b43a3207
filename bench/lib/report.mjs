// The issue's targets, checked against this run's own numbers, and the tables that show them.
// Speed targets are PASS or MISS (a shared machine may miss them); correctness targets are PASS
// or FAIL, and a FAIL fails the run.

/** Targets of issue 12, judged on the default single-process Tessera unless the target says otherwise. */
export function evaluateTargets(results) {
  const { servers, micro } = results;
  const t1 = servers.tessera1;
  const op = servers.oidcProvider;
  const targets = [];
  const add = (id, description, measured, status, detail) => targets.push({ id, description, measured, status, detail });
  const judge = (ok) => (ok ? 'PASS' : 'MISS');
  const notMeasured = (id, description, detail) => add(id, description, 'not measured', 'n/a', detail);

  const throughput = 'client_credentials req/s >= 2x node-oidc-provider (1 worker)';
  if (t1 && op) {
    const ratio = t1.reqPerSec / op.reqPerSec;
    add('throughput', throughput, `${ratio.toFixed(2)}x`, judge(ratio >= 2),
      servers.tessera2 ? `2 workers: ${(servers.tessera2.reqPerSec / op.reqPerSec).toFixed(2)}x` : undefined);
  } else notMeasured('throughput', throughput);

  const bare = 'client_credentials req/s >= 70% of the bare node:http + ES256 ceiling (1 worker)';
  if (t1 && servers.bare) {
    const share = t1.reqPerSec / servers.bare.reqPerSec;
    add('bare-ceiling', bare, percent(share), judge(share >= 0.7),
      servers.ceiling ? `empty Fastify route: ${percent(t1.reqPerSec / servers.ceiling.reqPerSec)} (no target)` : undefined);
  } else notMeasured('bare-ceiling', bare);

  if (t1) {
    add('p99', `p99 <= 10 ms at ${t1.connections} connections (1 worker)`, `${t1.latencyMs.p99} ms`, judge(t1.latencyMs.p99 <= 10),
      servers.tessera2 ? `2 workers: ${servers.tessera2.latencyMs.p99} ms` : undefined);
    add('rss', 'RSS under load < 150 MB (1 worker)', `${t1.peakRssMaxProcessMb} MB`, judge(t1.peakRssMaxProcessMb < 150));
  } else {
    notMeasured('p99', 'p99 <= 10 ms at 32 connections (1 worker)');
    notMeasured('rss', 'RSS under load < 150 MB (1 worker)');
  }

  const uncached = 'tessera/resource uncached verify >= 1.5x jose.jwtVerify';
  if (micro.resourceVerifyDistinct && micro.joseJwtVerify) {
    const ratio = micro.resourceVerifyDistinct / micro.joseJwtVerify;
    add('verify-uncached', uncached, `${ratio.toFixed(2)}x`, judge(ratio >= 1.5));
  } else notMeasured('verify-uncached', uncached, results.notes.find((n) => n.startsWith('tessera/resource')));
  const repeated = 'tessera/resource repeated token >= 10x jose.jwtVerify';
  if (micro.resourceVerifyRepeated && micro.joseJwtVerifyRepeated) {
    const ratio = micro.resourceVerifyRepeated / micro.joseJwtVerifyRepeated;
    add('verify-repeated', repeated, `${ratio.toFixed(1)}x`, judge(ratio >= 10));
  } else notMeasured('verify-repeated', repeated);
  const route = 'Fastify route with fastifyBearerAuth >= 80% of the route unprotected';
  if (servers.routeProtected && servers.routeOpen) {
    const share = servers.routeProtected.reqPerSec / servers.routeOpen.reqPerSec;
    add('protected-route', route, percent(share), judge(share >= 0.8));
  } else notMeasured('protected-route', route);

  const flat = 'code and refresh grants flat from fewest to most stored refresh tokens (req/s and p99 within 20%)';
  if (results.flat?.length) {
    const spreads = [];
    let ok = true;
    const sizes = new Set(results.flat.map((r) => r.storedRefreshTokens));
    for (const grant of ['authorization_code', 'refresh_token']) {
      const rows = results.flat.filter((r) => r.grant === grant);
      if (rows.length === 0) continue;
      const rates = rows.map((r) => r.reqPerSec);
      const p99s = rows.map((r) => r.p99);
      const rateSpread = 1 - Math.min(...rates) / Math.max(...rates);
      // p99 is whole milliseconds: 1 ms of difference is within the measurement's resolution.
      const p99Spread = Math.max(...p99s) - Math.min(...p99s) <= 1 ? 0 : Math.max(...p99s) / Math.max(1, Math.min(...p99s)) - 1;
      ok = ok && rateSpread <= 0.2 && p99Spread <= 0.2;
      spreads.push(`${grant === 'authorization_code' ? 'code' : 'refresh'} req/s ${percent(rateSpread)}, p99 ${percent(p99Spread)}`);
    }
    add('flat', flat, `${spreads.join('; ')} over ${sizes.size} size${sizes.size > 1 ? 's' : ''}`, sizes.size > 1 ? judge(ok) : 'n/a',
      sizes.size > 1 ? undefined : 'one size only, nothing to compare (the full run measures 100, 10k and 1M; --ten-million adds 10M)');
  } else notMeasured('flat', flat);

  const tesseraRuns = [servers.tessera1, servers.tessera2, servers.tesseraPg1, servers.tesseraPg2].filter(Boolean);
  const grantRows = [...(results.sizing ?? []), ...(results.flat ?? [])];
  if (tesseraRuns.length > 0 || grantRows.length > 0) {
    const errors = [...tesseraRuns, ...grantRows.map((r) => ({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts ?? 0 }))]
      .reduce((n, r) => n + r.non2xx + r.errors + (r.timeouts ?? 0), 0);
    add('errors', 'Tessera answers every request of every load with 2xx', `${errors} non-2xx/errors`, errors === 0 ? 'PASS' : 'FAIL');
    const checks = [...tesseraRuns.map((r) => r.spotCheck), ...grantRows.map((r) => r.spotCheck)].filter(Boolean);
    const failed = checks.filter((c) => !c.ok);
    add('spot-check', 'introspection active, revocation works, revoked token inactive (under load and after each run)',
      `${checks.length - failed.length}/${checks.length} runs ok`, checks.length > 0 && failed.length === 0 ? 'PASS' : 'FAIL',
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
  out.push(`machine: ${m.nproc ?? m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; `
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

  const order = ['tessera1', 'tessera2', 'tesseraPg1', 'tesseraPg2', 'oidcProvider', 'bare', 'ceiling', 'routeOpen', 'routeProtected'];
  const rows = order.filter((k) => servers[k]).map((k) => {
    const r = servers[k];
    const rss = r.processes > 1 ? `${r.peakRssMb} (${r.processes} proc, max ${r.peakRssMaxProcessMb})` : `${r.peakRssMb}`;
    const cpu = r.dbCpuUsPerRequest !== undefined ? `${int(r.cpuUsPerRequest)} + ${int(r.dbCpuUsPerRequest)} db` : int(r.cpuUsPerRequest);
    return [r.label, int(r.reqPerSec), r.latencyMs.p50, r.latencyMs.p99, r.non2xx + r.errors + r.timeouts, rss, cpu];
  });
  if (rows.length) {
    out.push(table(['server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'server CPU µs/req'], rows));
    out.push('');
  }

  const microRows = [
    ['ES256 sign, node:crypto', micro.es256SignNodeCrypto],
    ['ES256 sign, jose SignJWT', micro.es256SignJose],
    ['jose.jwtVerify, local key, distinct tokens', micro.joseJwtVerify],
    ['tessera/resource verify, distinct tokens (uncached)', micro.resourceVerifyDistinct],
    ['jose.jwtVerify, local key, one token repeated', micro.joseJwtVerifyRepeated],
    ['tessera/resource verify, one token repeated', micro.resourceVerifyRepeated],
  ].filter(([, v]) => v !== undefined).map(([name, v]) => [name, int(v)]);
  if (microRows.length) {
    out.push(table(['one core', 'ops/s'], microRows));
    out.push('');
  }

  const ratioRows = [];
  const t1 = servers.tessera1;
  const t2 = servers.tessera2;
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  if (t1 && servers.oidcProvider) {
    ratioRows.push(['Tessera / node-oidc-provider', ratio(t1.reqPerSec, servers.oidcProvider.reqPerSec),
      t2 ? ratio(t2.reqPerSec, servers.oidcProvider.reqPerSec) : '']);
  }
  if (t1 && servers.bare) {
    ratioRows.push(['Tessera / token ceiling (bare node:http + ES256)', percent(t1.reqPerSec / servers.bare.reqPerSec),
      t2 ? percent(t2.reqPerSec / servers.bare.reqPerSec) : '']);
  }
  if (t1 && servers.ceiling) {
    ratioRows.push(['Tessera / HTTP ceiling (empty Fastify route)', percent(t1.reqPerSec / servers.ceiling.reqPerSec),
      t2 ? percent(t2.reqPerSec / servers.ceiling.reqPerSec) : '']);
  }
  if (micro.resourceVerifyDistinct && micro.joseJwtVerify) {
    ratioRows.push(['tessera/resource verify / jose.jwtVerify, distinct tokens', ratio(micro.resourceVerifyDistinct, micro.joseJwtVerify), '']);
  }
  if (micro.resourceVerifyRepeated && micro.joseJwtVerifyRepeated) {
    ratioRows.push(['tessera/resource verify / jose.jwtVerify, one token repeated', ratio(micro.resourceVerifyRepeated, micro.joseJwtVerifyRepeated), '']);
  }
  if (servers.routeProtected && servers.routeOpen) {
    ratioRows.push(['Fastify route, fastifyBearerAuth / unprotected', percent(servers.routeProtected.reqPerSec / servers.routeOpen.reqPerSec), '']);
  }
  if (t1 && micro.es256SignNodeCrypto) {
    ratioRows.push(['Tessera / ES256 sign ceiling (node:crypto)', percent(t1.reqPerSec / micro.es256SignNodeCrypto),
      t2 ? percent(t2.reqPerSec / micro.es256SignNodeCrypto) : '']);
  }
  if (servers.tesseraPg1 && servers.tesseraPg2) {
    ratioRows.push(['Tessera on PostgreSQL, 2 instances / 1 instance', ratio(servers.tesseraPg2.reqPerSec, servers.tesseraPg1.reqPerSec), '']);
  }
  if (ratioRows.length) {
    out.push(table(['ratio', '1 worker', '2 workers'], ratioRows));
    out.push('');
  }

  if (results.stages) {
    if (results.stages.error) out.push(`stages: ${results.stages.error}`);
    else {
      out.push(`server CPU per client_credentials request by stage (node --cpu-prof of the main thread, scaled to the measured ${int(results.stages.cpuUsPerRequest)} µs/req at ${int(results.stages.reqPerSec)} req/s)`);
      out.push(table(['stage', 'share', 'µs/req'], results.stages.rows.map((r) => [r.stage, percent(r.share), int(r.usPerRequest)])));
    }
    out.push('');
  }

  if (results.sizing?.length) {
    out.push(`sizing: per grant, ${s.connections} connections; req/s per core = 1 / server CPU per request (Tessera${results.sizing.some((r) => r.dbCpuUsPerRequest !== null) ? ' + PostgreSQL' : ''})`);
    out.push(table(['database', 'grant', 'req/s', 'p99 ms', 'non-2xx', 'CPU ms/req', 'req/s per core'],
      results.sizing.map((r) => [r.db, r.label, int(r.reqPerSec), r.p99, r.non2xx + r.errors,
        r.dbCpuUsPerRequest !== null ? `${(r.cpuUsPerRequest / 1000).toFixed(2)} + ${(r.dbCpuUsPerRequest / 1000).toFixed(2)} db` : (r.cpuUsPerRequest / 1000).toFixed(2),
        int(r.reqPerSecPerCore)])));
    out.push('');
  }
  if (results.flat?.length) {
    out.push('flat as it grows (SQLite): stored refresh tokens bulk-loaded before the server starts');
    out.push(table(['stored refresh tokens', 'db MB', 'grant', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU µs/req', 'spot check'],
      results.flat.map((r) => [int(r.storedRefreshTokens), r.dbMegabytes, r.label, int(r.reqPerSec), r.p50, r.p99, r.non2xx + r.errors,
        int(r.cpuUsPerRequest), r.spotCheckOk === null ? '' : (r.spotCheckOk ? 'ok' : 'FAILED')])));
    out.push('');
  }
  if (results.postgres?.skipped) out.push(`PostgreSQL: ${results.postgres.skipped}`);
  else if (results.postgres) {
    out.push(`PostgreSQL: ${results.postgres.version ?? ''}${typeof results.postgres.twoInstances === 'string' ? `; two instances ${results.postgres.twoInstances}` : ''}`);
  }
  if (results.postgres) out.push('');

  out.push(table(['target', 'measured', 'result'], targets.map((t) => [t.description, t.measured, t.status])));
  for (const t of targets.filter((x) => x.detail)) out.push(`  ${t.id}: ${t.detail}`);
  for (const note of results.notes) out.push(`note: ${note}`);

  if (results.scaling) {
    out.push('');
    out.push(table(['server', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'server CPU µs/req'],
      results.scaling.connections.map((r) => [r.server === 'tessera1' ? 'Tessera (1 worker)' : 'node-oidc-provider',
        r.connections, int(r.reqPerSec), r.p50, r.p99, r.non2xx + r.errors, r.peakRssMb, int(r.cpuUsPerRequest)])));
  }
  return `${out.join('\n')}\n`;
}
