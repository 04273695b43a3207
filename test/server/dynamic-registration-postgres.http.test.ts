import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Two Tessera instances on one PostgreSQL database: the cap on self-registered clients and the
// per-address limit hold across them, with registrations sent to both in parallel.
const { freshSchemaUrl } = usePostgresSchemas();
const servers: RunningServer[] = [];

const NATIVE = { application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] };

describe('dynamic registration across two instances on PostgreSQL', () => {
  beforeAll(async () => {
    const url = await freshSchemaUrl();
    const first = await startServer({ store: await PostgresStore.connect(url),
      flags: { dynamicRegistration: 'open', dynamicRegistrationMaxClients: '5', dynamicRegistrationRateLimit: '8' } });
    servers.push(first);
    servers.push(await startServer({ store: await PostgresStore.connect(url), secrets: first.secrets,
      flags: { dynamicRegistration: 'open', dynamicRegistrationMaxClients: '5', dynamicRegistrationRateLimit: '8' } }));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('never passes the cap nor the per-address limit, and each instance manages what the other registered', async () => {
    const attempts = await Promise.all(Array.from({ length: 12 }, (_, i) => fetch(`${servers[i % 2]!.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(NATIVE),
    })));
    const statuses = attempts.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    // 8 attempts per address pass the limit (5 registered, 3 over the cap), the other 4 are 429.
    expect(statuses.filter((status) => status === 503)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    expect(await servers[0]!.store.registrations.count()).toBe(5);

    const created = await attempts.find((response) => response.status === 201)!.json() as { client_id: string; registration_access_token: string };
    const onOther = `${servers[1]!.issuer}/register/${created.client_id}`;
    const onFirst = `${servers[0]!.issuer}/register/${created.client_id}`;
    const bearer = { authorization: `Bearer ${created.registration_access_token}` };
    expect((await fetch(onOther, { headers: bearer })).status).toBe(200);
    expect((await fetch(onFirst, { headers: bearer })).status).toBe(200);
    expect((await fetch(onOther, { method: 'DELETE', headers: bearer })).status).toBe(204);
    expect((await fetch(onFirst, { headers: bearer })).status).toBe(401);
    expect(await servers[0]!.store.registrations.count()).toBe(4);
  });
});
