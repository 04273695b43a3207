// HTTP load with autocannon, in this process: a warm-up run whose numbers are dropped, then the
// measured run.
import autocannon from 'autocannon';

/**
 * @param {{ url: string, headers: Record<string,string>, body: string, connections: number,
 *           duration: number, warmup: number, onMeasure?: () => () => object }} options durations in
 *   seconds; `onMeasure` is called as the measured run starts, and what it returns as it ends
 *   (its result is merged into the returned object)
 */
export async function load({ url, headers, body, connections, duration, warmup, onMeasure }) {
  const request = { url, method: 'POST', headers, body, connections, pipelining: 1, timeout: 10 };
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
