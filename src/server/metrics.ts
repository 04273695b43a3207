import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEvent, AuditLog } from '../core/audit.js';

/**
 * The server's Prometheus metrics, in a registry of its own (no prom-client global, so several
 * servers in one process, as in the tests, keep theirs apart). Labels are bounded: grant types the
 * server knows, RFC error codes, route patterns (never a raw URL), status classes; never a client
 * or user id. Served on a separate listener (server/metrics-listener.ts), never on the main port.
 */
export class ServerMetrics implements AuditLog {
  readonly registry = new Registry();
  private readonly tokensIssued = new Counter({
    name: 'tessera_tokens_issued_total', help: 'Token responses issued, by grant_type.', labelNames: ['grant_type'] as const, registers: [this.registry],
  });
  private readonly tokenErrors = new Counter({
    name: 'tessera_token_errors_total', help: 'Token endpoint error responses, by RFC 6749 error code.', labelNames: ['error'] as const, registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'tessera_http_request_duration_seconds', help: 'HTTP request duration, by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  private readonly signInFailures = new Counter({
    name: 'tessera_sign_in_failures_total', help: 'Sign-ins refused for a wrong username or password (sign-in page and password grant).', registers: [this.registry],
  });
  private readonly signInThrottled = new Counter({
    name: 'tessera_sign_in_throttled_total', help: 'Sign-in attempts refused by the throttle.', registers: [this.registry],
  });
  private readonly clientAuthFailures = new Counter({
    name: 'tessera_client_authentication_failures_total', help: 'Failed client authentications (wrong secret, unknown client, throttled).', registers: [this.registry],
  });
  private readonly refreshReuse = new Counter({
    name: 'tessera_refresh_token_reuse_total', help: 'Rotated refresh tokens presented again: their grant was revoked (RFC 9700 4.14.2).', registers: [this.registry],
  });
  private readonly queryDuration = new Histogram({
    name: 'tessera_db_query_duration_seconds', help: 'Database statement duration (PostgreSQL), transactions\' statements included.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  private readonly backChannelLogouts = new Counter({
    name: 'tessera_backchannel_logout_total', help: 'Back-channel logout notifications, by outcome (delivered, rejected by the client, failed after retries).',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  private signingKeyCreatedAt: () => Promise<number | undefined> = async () => undefined;
  private poolUse: (() => { total: number; idle: number; waiting: number }) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    // Before the key age, whose collect queries the database: the pool is read before that query waits.
    new Gauge({
      name: 'tessera_db_pool_connections', help: 'Database pool connections: total open, idle, and requests waiting for one (PostgreSQL).',
      labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        const use = metrics.poolUse?.();
        if (!use) return;
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
    new Gauge({
      name: 'tessera_signing_key_age_seconds', help: 'Age of the newest active signing key of the algorithm rotated longest ago (keys rotate per algorithm).', registers: [this.registry],
      async collect() {
        const createdAt = await metrics.signingKeyCreatedAt().catch(() => undefined);
        if (createdAt === undefined) this.reset();
        else this.set(Math.max(0, Date.now() / 1000 - createdAt));
      },
    });
  }

  /** One database statement's duration, in seconds. */
  databaseQuery(seconds: number): void {
    this.queryDuration.observe(seconds);
  }

  /** A connection pool to report (PostgreSQL): connections open, idle, and requests waiting for one. */
  observePool(poolUse: () => { total: number; idle: number; waiting: number }): void {
    this.poolUse = poolUse;
  }

  /** Where the signing-key age comes from (epoch seconds of the newest active key), read at each scrape. */
  observeSigningKeys(createdAt: () => Promise<number | undefined>): void {
    this.signingKeyCreatedAt = createdAt;
  }

  /** An audit event counted where it has a metric. */
  record(event: AuditEvent): void {
    switch (event.event) {
      case 'token.issued':
      case 'token.refreshed':
        this.tokensIssued.inc({ grant_type: event.grantType ?? 'unknown' });
        break;
      case 'sign_in.failed': this.signInFailures.inc(); break;
      case 'sign_in.throttled': this.signInThrottled.inc(); break;
      case 'client_authentication.failed': this.clientAuthFailures.inc(); break;
      case 'refresh_token.reuse_detected': this.refreshReuse.inc(); break;
      default: break;
    }
  }

  /** A token endpoint error; `error` is an RFC error code (a fixed set). */
  tokenError(error: string): void {
    this.tokenErrors.inc({ error });
  }

  /** One relying party's back-channel logout notification, finished (oidc/logout/back-channel-logout.ts). */
  backChannelLogout(outcome: 'delivered' | 'rejected' | 'failed'): void {
    this.backChannelLogouts.inc({ outcome });
  }

  /** One finished HTTP request; `route` is the route pattern, or 'unmatched'. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }
}
