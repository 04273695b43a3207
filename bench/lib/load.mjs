// HTTP load with autocannon, in this process: a warm-up run whose numbers are dropped, then the
// measured run.
import autocannon from 'autocannon';

/**
 * @param {{ url: string | string[], method?: string, headers: Record<string,string>, body?: string,
 *           connections: number, duration: number, warmup: number, onMeasure?: () => () => object,
 *           next?: () => { body?: string, headers?: Record<string,string> },
 *           onResponse?: (status: number, body: string) => void }} options durations in seconds;
 *   `onMeasure` is called as the measured run starts, and what it returns as it ends (its result
 *   is merged into the returned object); `next`, when given, supplies each request's own body
 *   and/or headers (single-use codes and refresh tokens, a pool of access tokens); `onResponse`
 *   sees every answer (a rotated refresh token's successor). Several URLs share the connections
 *   round-robin (two server instances behind no load balancer).
 */
export async function load({ url, method = 'POST', headers, body, connections, duration, warmup, onMeasure, next, onResponse }) {
  const request = { url, method, headers, body, connections, pipelining: 1, timeout: 10 };
  if (next || onResponse) {
    request.requests = [{
      ...(next ? {
        setupRequest: (req) => {
          const own = next();
          return { ...req, ...(own.body !== undefined ? { body: own.body } : {}), headers: { ...req.headers, ...own.headers } };
        },
      } : {}),
      ...(onResponse ? { onResponse: (status, responseBody) => onResponse(status, responseBody) } : {}),
    }];
  }
  if (warmup > 0) await run({ ...request, duration: warmup });
  const measuring = onMeasure?.();
  const result = await run({ ...request, duration });
  const measured = measuring?.();
  const seconds = result.duration > 0 ? result.duration : duration;
  return {
    connections,
    durationSeconds: seconds,
    requests: result.requests.total,
    // Completed 2xx answers per second over the measured run.
    reqPerSec: Math.round(result['2xx'] / seconds),
    latencyMs: {
      p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
      mean: round2(result.latency.mean),
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ...measured,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
}

function run(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('error', reject);
  });
}

function round2(value) {
  return Math.round(value * 100) / 100;
}
