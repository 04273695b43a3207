import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../../src/core/pkce.js';
import { cryptoRandom } from '../../src/core/random.js';
import { newFamilyId } from '../../src/core/tokens.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';

// RFC 6749 §4.1.3 redemption, shaped like refresh rotation: the code is found and checked first,
// then consumed together with the tokens it yields in one atomic store step. Run against both
// stores, since atomicity is the store's job.

const REDIRECT = 'https://app.example/cb';
const VERIFIER = 'a-verifier-that-is-long-enough-to-be-valid-for-rfc-7636-pkce';
const clients = [
  { client_id: 'web', client_secret: 'web-secret', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT, 'https://app.example/other'], scope: 'read' },
  { client_id: 'evil', client_secret: 'evil-secret', grant_types: ['authorization_code'], redirect_uris: ['https://evil.example/cb'], scope: 'read' },
];

interface Backend {
  name: string;
  open(): Promise<{ store: Store; drop(): Promise<void> }>;
}

// Each PostgreSQL store gets a schema of its own, dropped after the file (test/store/postgres-schemas.ts).
const schemas = usePostgresSchemas();

const backends: Backend[] = [
  { name: 'SQLite', open: async () => ({ store: new SqliteStore(':memory:'), drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    async open() {
      return { store: await PostgresStore.connect(await schemas.freshSchemaUrl()), drop: async () => {} };
    },
  },
];

describe.each(backends)('authorization code redemption on $name', (backend) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  let userId: string;

  beforeAll(async () => {
    const opened = await backend.open();
    drop = opened.drop;
    server = await startServer({ store: opened.store, clients, users: [{ username: 'ann', password: 'ann-password' }] });
    const user = await server.store.users.getByUsername('ann');
    if (!user) throw new Error('the seed user is missing');
    userId = user.id;
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  /** A code as /authorize would have stored it, with PKCE and an explicit redirect_uri. */
  async function newCode(): Promise<string> {
    const code = `tsr_ac_${randomBytes(24).toString('base64url')}`;
    const now = server.clock.nowSeconds();
    await server.store.codes.save({
      hash: server.hashing.tokens.hash(code), clientId: 'web', userId, redirectUri: REDIRECT, scope: ['read'], audience: server.config.settings.audience,
      codeChallenge: s256(VERIFIER), familyId: newFamilyId(now, cryptoRandom), expiresAt: now + 60, consumedAt: null,
    });
    return code;
  }

  const redeem = (code: string, overrides: { client?: [string, string]; redirectUri?: string; verifier?: string | null } = {}) => {
    const [id, secret] = overrides.client ?? ['web', 'web-secret'];
    const params = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: overrides.redirectUri ?? REDIRECT });
    if (overrides.verifier !== null) params.set('code_verifier', overrides.verifier ?? VERIFIER);
    return postForm(`${server.issuer}/token`, params.toString(), { authorization: basic(id, secret) });
  };

  const isActive = async (token: unknown) => {
    const answer = await postForm(`${server.issuer}/introspect`, `token=${encodeURIComponent(String(token))}`, { authorization: basic('web', 'web-secret') });
    return answer.json.active === true;
  };

  it.each([
    ['another client', { client: ['evil', 'evil-secret'] as [string, string] }],
    ['a different registered redirect_uri', { redirectUri: 'https://app.example/other' }],
    ['a wrong code_verifier', { verifier: 'x'.repeat(43) }],
    ['no code_verifier', { verifier: null }],
  ])('a failed attempt with %s leaves the code redeemable by its client', async (_label, overrides) => {
    const code = await newCode();
    const wrong = await redeem(code, overrides);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe('invalid_grant');
    const right = await redeem(code);
    expect(right.status).toBe(200);
    expect(await isActive(right.json.access_token)).toBe(true);
  });

  it('refuses an expired code', async () => {
    const code = await newCode();
    server.clock.advance(61);
    const late = await redeem(code);
    expect(late.status).toBe(400);
    expect(late.json.error).toBe('invalid_grant');
  });

  it('revokes the tokens of a code that is replayed (OAuth 2.1 §4.1.3)', async () => {
    const code = await newCode();
    const first = await redeem(code);
    expect(first.status).toBe(200);
    const replay = await redeem(code);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect(await isActive(first.json.access_token)).toBe(false);
    const refreshed = await postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${String(first.json.refresh_token)}`, { authorization: basic('web', 'web-secret') });
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('a replay by another client neither redeems the code nor revokes the grant', async () => {
    const code = await newCode();
    const first = await redeem(code);
    const stolen = await redeem(code, { client: ['evil', 'evil-secret'] });
    expect(stolen.json.error).toBe('invalid_grant');
    expect(await isActive(first.json.access_token)).toBe(true);
  });

  it('of 20 parallel redemptions exactly one succeeds, and the replays revoke what it got', async () => {
    const code = await newCode();
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(code)));
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.json.error === 'invalid_grant')).toBe(true);
    // The 19 others were replays of a redeemed code: whatever their timing, the grant ends revoked.
    const winner = winners[0]?.json ?? {};
    expect(await isActive(winner.access_token)).toBe(false);
    expect(await isActive(winner.refresh_token)).toBe(false);
  });
});
