import type { FastifyInstance } from 'fastify';

export interface HealthDependencies {
  /** A trivial database query (Store.ping). */
  readonly ping: () => Promise<void>;
  /** Whether signing keys are loaded, so tokens can be issued. */
  readonly keysLoaded: () => boolean;
  /** How long the database may take to answer before the server is not ready; default 2000. */
  readonly timeoutMs?: number;
}

const NOT_READY = { error: 'temporarily_unavailable', error_description: 'The server cannot serve requests now; try again later.' };

/** Resolves true when `promise` settles successfully within `ms`, false otherwise; never rejects. */
async function answersWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and readiness for load balancers and orchestrators: `/healthz` answers 200 while the
 * process serves HTTP at all (no I/O); `/readyz` answers 200 only when the database answers a
 * trivial query within the timeout and signing keys are loaded, and 503 temporarily_unavailable
 * otherwise, so that a load balancer sends traffic elsewhere meanwhile.
 */
export function healthRoutes(app: FastifyInstance, deps: HealthDependencies): void {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  app.get('/healthz', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    let ready = deps.keysLoaded();
    if (ready) {
      let ping: Promise<void>;
      try {
        ping = deps.ping();
      } catch (error) {
        ping = Promise.reject(error);
      }
      ready = await answersWithin(ping, timeoutMs);
    }
    if (!ready) return reply.code(503).header('retry-after', '5').send(NOT_READY);
    return { status: 'ready' };
  });
}
