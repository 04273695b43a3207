import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { boundPort, closeHttp } from '../../src/server/http-listener.js';
import { listenMetrics } from '../../src/server/metrics-listener.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import type { Server } from 'node:http';

const baseUrl = process.env.TESSERA_TEST_POSTGRES_URL || inject('tesseraTestPostgresUrl');
const schema = `metrics_${process.pid}_${Date.now()}`;
let admin: pg.Pool;
let server: RunningServer;
let metricsServer: Server;

describe('metrics on PostgreSQL', () => {
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const metrics = new ServerMetrics({ defaultMetrics: false });
    server = await startServer({ store: await PostgresStore.connect(url.toString()), server: { metrics } });
    metricsServer = await listenMetrics(metrics.registry, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await closeHttp(metricsServer);
    await server?.close();
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  it('report the connection pool and statement durations, and /readyz answers', async () => {
    expect((await fetch(`${server.issuer}/readyz`)).status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${boundPort(metricsServer)}/metrics`)).text();
    expect(text).toMatch(/^tessera_db_pool_connections\{state="total"\} [1-9]/m);
    expect(text).toMatch(/^tessera_db_pool_connections\{state="waiting"\} 0/m);
    // Every statement is timed, transactions' included: the /readyz ping and the key-age query at least.
    expect(Number(/^tessera_db_query_duration_seconds_count (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });
});
