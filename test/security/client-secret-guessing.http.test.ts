import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_SECRET_THROTTLE } from '../../src/core/client-secret-throttle.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';

// From the red team of issue 10: 5,000 wrong client secrets in 5 s, then the right one accepted.
// RFC 6749 §2.3.1: an endpoint taking client passwords MUST be protected against brute force.

const CLIENT = { client_id: 'pwd', client_secret: 'a-person-chose-this', grant_types: ['client_credentials'], scope: 'read' };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ clients: [CLIENT, { client_id: 'other', client_secret: 'other-secret', grant_types: ['client_credentials'] }] });
});
afterAll(async () => server?.close());

// Every request comes from 127.0.0.1: one address for the attacker, as for the counters.
const token = (secret: string, clientId = CLIENT.client_id) =>
  postForm(`${server.issuer}/token`, 'grant_type=client_credentials', { authorization: basic(clientId, secret) });

describe('guessing a client secret', () => {
  it('is stopped after the per-client limit, and the right secret is then not confirmed', async () => {
    for (let i = 0; i < CLIENT_SECRET_THROTTLE.maxFailuresPerClientAndAddress; i++) {
      expect((await token(`guess-${i}`)).status).toBe(401);
    }
    const blocked = await token('another-guess');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await token(CLIENT.client_secret);
    expect(right.status).toBe(429);
    // The same applies at introspection and revocation, which take client secrets too.
    const introspection = await postForm(`${server.issuer}/introspect`, 'token=x', { authorization: basic(CLIENT.client_id, CLIENT.client_secret) });
    expect(introspection.status).toBe(429);
  });

  it('another client from the same address is not held up by it', async () => {
    expect((await token('other-secret', 'other')).status).toBe(200);
  });

  it('once the window has passed, the right secret works again', async () => {
    server.clock.advance(CLIENT_SECRET_THROTTLE.windowSeconds + 1);
    expect((await token(CLIENT.client_secret)).status).toBe(200);
  });

  it('guesses across many client_ids from one address stop at the address limit, writing no more rows', async () => {
    for (let i = 0; i < CLIENT_SECRET_THROTTLE.maxFailuresPerAddress; i++) await token('x', `spray-${i}`);
    const rows = async () => ((server.store as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db.prepare('SELECT count(*) AS n FROM throttle').get()).n;
    const before = await rows();
    for (let i = 0; i < 50; i++) expect((await token('x', `more-${i}`)).status).toBe(429);
    expect(await rows()).toBe(before);
  });
});

// Each PostgreSQL store gets a schema of its own, dropped after the file (test/store/postgres-schemas.ts).
const schemas = usePostgresSchemas();

describe.each([
  { name: 'SQLite', open: async () => ({ store: undefined, drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    async open() {
      const { PostgresStore } = await import('../../src/store/postgres/postgres-store.js');
      return { store: await PostgresStore.connect(await schemas.freshSchemaUrl()), drop: async () => {} };
    },
  },
])('a burst of parallel guesses on $name', (backend) => {
  let burstServer: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await backend.open();
    drop = opened.drop;
    burstServer = await startServer({ clients: [CLIENT], ...(opened.store ? { store: opened.store } : {}) });
  });
  afterAll(async () => {
    await burstServer?.close();
    await drop?.();
  });

  it('checks at most the limit of wrong secrets, and the right one sent last is not confirmed', async () => {
    const guesses = Array.from({ length: 300 }, (_, i) => (i === 299 ? CLIENT.client_secret : `guess-${i}`));
    const results = await Promise.all(guesses.map((secret) =>
      postForm(`${burstServer.issuer}/token`, 'grant_type=client_credentials', { authorization: basic(CLIENT.client_id, secret) })));
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(CLIENT_SECRET_THROTTLE.maxFailuresPerClientAndAddress);
    expect(results.at(-1)?.status).toBe(429);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
  });

  it('a busy client sending its right secret in parallel is never refused', async () => {
    burstServer.clock.advance(CLIENT_SECRET_THROTTLE.windowSeconds + 1);
    const results = await Promise.all(Array.from({ length: 64 }, () =>
      postForm(`${burstServer.issuer}/token`, 'grant_type=client_credentials', { authorization: basic(CLIENT.client_id, CLIENT.client_secret) })));
    expect(results.map((r) => r.status)).toEqual(Array(64).fill(200));
  });
});
