import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, CodeRecord, SessionRecord, SigningKey, Store, TokenRecord, User } from '../../src/store/types.js';

/**
 * The contract of src/store/types.ts, run against every backend. Each test gets a fresh, empty
 * store from `open`. Times lie beyond 2^32 seconds so that a backend truncating them to 32 bits,
 * or returning 64-bit integers as strings, fails.
 */
const NOW = 4_102_444_800;
const HOUR = 3_600;

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-${++sequence}`;

function client(overrides: Partial<Client> = {}): Client {
  return {
    clientId: unique('client'),
    clientName: 'Example App',
    secretHash: 'c2VjcmV0LWhhc2g',
    redirectUris: ['https://app.example/callback', 'http://127.0.0.1/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    scope: ['openid', 'read', 'write'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    resources: ['https://api.example/'],
    skipConsent: true,
    applicationType: 'native',
    createdAt: NOW,
    ...overrides,
  };
}

function user(overrides: Partial<User> = {}): User {
  return { id: unique('user'), username: unique('name'), passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', claims: {}, createdAt: NOW, ...overrides };
}

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: unique('hash'),
    kind: 'refresh_token',
    jti: unique('jti'),
    clientId: 'app',
    subject: 'user-1',
    userId: 'user-1',
    scope: ['read', 'write'],
    audience: 'https://api.example/',
    issuedAt: NOW,
    expiresAt: NOW + HOUR,
    familyId: 'family-1',
    revokedAt: null,
    rotatedAt: null,
    ...overrides,
  };
}

/** What a refresh hands back: a new access token and a new refresh token of the same family. */
function replacementsFor(old: TokenRecord): TokenRecord[] {
  return [
    token({ kind: 'access_token', familyId: old.familyId, clientId: old.clientId }),
    token({ kind: 'refresh_token', familyId: old.familyId, clientId: old.clientId }),
  ];
}

function signingKey(overrides: Partial<SigningKey> = {}): SigningKey {
  const kid = overrides.kid ?? unique('kid');
  const publicJwk = { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', privateJwk: { ...publicJwk, d: `d-${kid}` }, publicJwk, createdAt: NOW, signsFrom: overrides.createdAt ?? NOW, active: true, ...overrides };
}

function code(overrides: Partial<CodeRecord> = {}): CodeRecord {
  return {
    hash: unique('code'),
    clientId: 'app',
    userId: 'user-1',
    redirectUri: 'https://app.example/callback',
    scope: ['openid', 'read'],
    audience: 'https://api.example/',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    familyId: unique('family'),
    expiresAt: NOW + 60,
    consumedAt: null,
    ...overrides,
  };
}

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { hash: unique('session'), userId: null, csrfToken: unique('csrf'), authTime: null, createdAt: NOW, expiresAt: NOW + HOUR, sid: null, ...overrides };
}

/** Every table the product's migrations create; the demo's resource table is created by the demo. */
export const PRODUCT_TABLES = ['access_token_denials', 'client_assertion_jtis', 'client_registrations', 'clients', 'codes', 'consents', 'initial_access_tokens', 'openid_grants', 'refresh_retries', 'registry_changes', 'resource_servers', 'schema_migrations', 'session_clients', 'sessions', 'signing_keys', 'throttle', 'tokens', 'users'];

const byId = <T>(key: (item: T) => string) => (a: T, b: T): number => key(a).localeCompare(key(b));

export function storeConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: store conformance`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    describe('clients', () => {
      it('returns undefined for an unknown client', async () => {
        expect(await store.clients.get('nobody')).toBeUndefined();
      });

      it('stores every field of a confidential and of a public client', async () => {
        const confidential = client();
        const pub = client({
          secretHash: null, tokenEndpointAuthMethod: 'none', skipConsent: false, redirectUris: [], grantTypes: [],
          responseTypes: [], scope: [], resources: [],
        });
        await store.clients.upsert(confidential);
        await store.clients.upsert(pub);
        expect(await store.clients.get(confidential.clientId)).toEqual(confidential);
        expect(await store.clients.get(pub.clientId)).toEqual(pub);
      });

      it('upsert replaces every field of an existing client but keeps its createdAt', async () => {
        const first = client();
        await store.clients.upsert(first);
        const second = client({
          clientId: first.clientId, clientName: 'Renamed', secretHash: null, redirectUris: ['https://new.example/cb'],
          grantTypes: ['client_credentials'], responseTypes: [], scope: ['admin'], tokenEndpointAuthMethod: 'client_secret_post',
          resources: [], skipConsent: false, createdAt: NOW + 100,
        });
        await store.clients.upsert(second);
        expect(await store.clients.get(first.clientId)).toEqual({ ...second, createdAt: first.createdAt });
        expect(await store.clients.list()).toHaveLength(1);
      });

      it('lists every client', async () => {
        const clients = [client(), client(), client()];
        for (const c of clients) await store.clients.upsert(c);
        const listed = await store.clients.list();
        expect(listed.sort(byId((c) => c.clientId))).toEqual(clients.sort(byId((c) => c.clientId)));
      });

      it('delete is true once, then false', async () => {
        const [kept, gone] = [client(), client()];
        await store.clients.upsert(kept);
        await store.clients.upsert(gone);
        expect(await store.clients.delete(gone.clientId, NOW)).toBe(true);
        expect(await store.clients.delete(gone.clientId, NOW)).toBe(false);
        expect(await store.clients.get(gone.clientId)).toBeUndefined();
        expect(await store.clients.list()).toEqual([kept]);
      });
    });

    describe('users', () => {
      it('returns undefined for an unknown user', async () => {
        expect(await store.users.getById('nobody')).toBeUndefined();
        expect(await store.users.getByUsername('nobody')).toBeUndefined();
      });

      it('upsert inserts a new user and returns it', async () => {
        const u = user();
        expect(await store.users.upsert(u)).toEqual(u);
        expect(await store.users.getById(u.id)).toEqual(u);
        expect(await store.users.getByUsername(u.username)).toEqual(u);
      });

      it('upsert of an existing username keeps its id and createdAt and updates the password hash', async () => {
        const first = user();
        await store.users.upsert(first);
        const again = user({ username: first.username, passwordHash: '$argon2id$new', createdAt: NOW + 100 });
        const stored = await store.users.upsert(again);
        expect(stored).toEqual({ ...first, passwordHash: '$argon2id$new' });
        expect(await store.users.getById(first.id)).toEqual(stored);
        expect(await store.users.getByUsername(first.username)).toEqual(stored);
        // The subject identifier is never reassigned (types.ts): the new id is not stored.
        expect(await store.users.getById(again.id)).toBeUndefined();
        expect(await store.users.list()).toHaveLength(1);
      });

      it('lists every user', async () => {
        const users = [user(), user(), user()];
        for (const u of users) await store.users.upsert(u);
        expect((await store.users.list()).sort(byId((u) => u.id))).toEqual(users.sort(byId((u) => u.id)));
      });

      it('delete by username is true once, then false', async () => {
        const [kept, gone] = [user(), user()];
        await store.users.upsert(kept);
        await store.users.upsert(gone);
        expect(await store.users.delete(gone.username, NOW)).toBe(true);
        expect(await store.users.delete(gone.username, NOW)).toBe(false);
        expect(await store.users.getById(gone.id)).toBeUndefined();
        expect(await store.users.getByUsername(gone.username)).toBeUndefined();
        expect(await store.users.list()).toEqual([kept]);
      });
    });

    describe('tokens', () => {
      it('saves and finds a token with every field', async () => {
        const refresh = token();
        const clientToken = token({ kind: 'access_token', userId: null, subject: 'app', scope: [], revokedAt: NOW + 1, rotatedAt: NOW + 2 });
        await store.tokens.save(refresh);
        await store.tokens.save(clientToken);
        expect(await store.tokens.find(refresh.hash)).toEqual(refresh);
        expect(await store.tokens.find(clientToken.hash)).toEqual(clientToken);
        expect(await store.tokens.find('unknown')).toBeUndefined();
      });

      it('refuses a second token with the same hash', async () => {
        const t = token();
        await store.tokens.save(t);
        await expect(store.tokens.save(token({ hash: t.hash }))).rejects.toThrow();
        expect(await store.tokens.find(t.hash)).toEqual(t);
      });

      it('saveAll saves every token, and nothing for an empty list', async () => {
        const records = [token({ kind: 'access_token' }), token()];
        await store.tokens.saveAll([]);
        await store.tokens.saveAll(records);
        for (const r of records) expect(await store.tokens.find(r.hash)).toEqual(r);
        expect(await store.tokens.count()).toBe(2);
      });

      it('saveAll is one write: when one token cannot be saved, none is', async () => {
        const existing = token();
        await store.tokens.save(existing);
        const fresh = token();
        await expect(store.tokens.saveAll([fresh, token({ hash: existing.hash })])).rejects.toThrow();
        expect(await store.tokens.find(fresh.hash)).toBeUndefined();
        expect(await store.tokens.count()).toBe(1);
      });

      it('revoke marks one token revoked and is false for an unknown token', async () => {
        const [target, other] = [token(), token()];
        await store.tokens.saveAll([target, other]);
        expect(await store.tokens.revoke(target.hash, NOW + 5)).toBe(true);
        expect(await store.tokens.find(target.hash)).toEqual({ ...target, revokedAt: NOW + 5 });
        expect(await store.tokens.find(other.hash)).toEqual(other);
        expect(await store.tokens.revoke('unknown', NOW + 5)).toBe(false);
      });

      it('revoke of an already revoked token is true ("when it existed") and keeps the first revocation time', async () => {
        const t = token();
        await store.tokens.save(t);
        await store.tokens.revoke(t.hash, NOW + 5);
        expect(await store.tokens.revoke(t.hash, NOW + 9)).toBe(true);
        expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW + 5);
      });

      it('revokeFamily revokes the whole family, counts only the live ones, and spares other families', async () => {
        const family = [token({ kind: 'access_token' }), token(), token({ revokedAt: NOW + 1 })];
        const stranger = token({ familyId: 'family-2' });
        await store.tokens.saveAll([...family, stranger]);
        expect(await store.tokens.revokeFamily('family-1', NOW + 5)).toBe(2);
        expect((await store.tokens.find(family[0]!.hash))?.revokedAt).toBe(NOW + 5);
        expect((await store.tokens.find(family[1]!.hash))?.revokedAt).toBe(NOW + 5);
        expect((await store.tokens.find(family[2]!.hash))?.revokedAt).toBe(NOW + 1);
        expect(await store.tokens.find(stranger.hash)).toEqual(stranger);
        expect(await store.tokens.revokeFamily('family-1', NOW + 6)).toBe(0);
        expect(await store.tokens.revokeFamily('no-such-family', NOW + 6)).toBe(0);
      });

      it('purgeExpired deletes the tokens that expired before the given time, and count follows', async () => {
        expect(await store.tokens.count()).toBe(0);
        const old = [token({ expiresAt: NOW - 10 }), token({ expiresAt: NOW - 1, kind: 'access_token' })];
        const kept = [token({ expiresAt: NOW }), token({ expiresAt: NOW + 1 })];
        await store.tokens.saveAll([...old, ...kept]);
        expect(await store.tokens.count()).toBe(4);
        expect(await store.tokens.purgeExpired(NOW)).toBe(2);
        expect(await store.tokens.count()).toBe(2);
        for (const t of old) expect(await store.tokens.find(t.hash)).toBeUndefined();
        for (const t of kept) expect(await store.tokens.find(t.hash)).toEqual(t);
        expect(await store.tokens.purgeExpired(NOW)).toBe(0);
      });
    });

    describe('tokens.rotateRefreshToken', () => {
      it('rotates a live refresh token: retires it and saves the replacements', async () => {
        const old = token();
        await store.tokens.save(old);
        const replacements = replacementsFor(old);
        const result = await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, replacements);
        expect(result).toEqual({ outcome: 'rotated', previous: { ...old, rotatedAt: NOW + 10 } });
        expect(await store.tokens.find(old.hash)).toEqual({ ...old, rotatedAt: NOW + 10 });
        for (const r of replacements) expect(await store.tokens.find(r.hash)).toEqual(r);
        expect(await store.tokens.count()).toBe(3);
      });

      it('a rotated token presented again is reused, and its whole family is revoked', async () => {
        const old = token();
        const sibling = token({ kind: 'access_token' });
        const stranger = token({ familyId: 'family-2' });
        await store.tokens.saveAll([old, sibling, stranger]);
        const replacements = replacementsFor(old);
        await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, replacements);

        const replay = await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 20, replacementsFor(old));
        expect(replay.outcome).toBe('reused');
        expect(replay.outcome === 'reused' && replay.previous.hash).toBe(old.hash);
        expect(replay.outcome === 'reused' && replay.previous.rotatedAt).toBe(NOW + 10);
        for (const t of [sibling, ...replacements]) expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW + 20);
        expect((await store.tokens.find(old.hash))?.revokedAt).toBe(NOW + 20);
        expect(await store.tokens.find(stranger.hash)).toEqual(stranger);
        // The replay's replacements were not saved.
        expect(await store.tokens.count()).toBe(5);
      });

      it('a replay of an early token of a chain revokes the tokens issued later in it', async () => {
        const first = token();
        await store.tokens.save(first);
        const second = replacementsFor(first);
        await store.tokens.rotateRefreshToken(first.hash, 'app', NOW + 10, second);
        const third = replacementsFor(first);
        expect((await store.tokens.rotateRefreshToken(second[1]!.hash, 'app', NOW + 20, third)).outcome).toBe('rotated');
        expect((await store.tokens.rotateRefreshToken(first.hash, 'app', NOW + 30, [])).outcome).toBe('reused');
        for (const t of third) expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW + 30);
        // The revoked head of the chain can no longer be rotated.
        expect(await store.tokens.rotateRefreshToken(third[1]!.hash, 'app', NOW + 40, [])).toEqual({ outcome: 'invalid' });
      });

      it('a rotated token replayed after it expired is still reused', async () => {
        const old = token({ expiresAt: NOW + 60 });
        await store.tokens.save(old);
        await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, replacementsFor(old));
        expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 7_200, [])).outcome).toBe('reused');
      });

      it('is invalid for an unknown hash and for an access token', async () => {
        const access = token({ kind: 'access_token' });
        await store.tokens.save(access);
        expect(await store.tokens.rotateRefreshToken('unknown', 'app', NOW, [])).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.rotateRefreshToken(access.hash, 'app', NOW, replacementsFor(access))).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.find(access.hash)).toEqual(access);
        expect(await store.tokens.count()).toBe(1);
      });

      it('is invalid for another client, and leaves the token usable by its own client', async () => {
        const old = token();
        await store.tokens.save(old);
        expect(await store.tokens.rotateRefreshToken(old.hash, 'intruder', NOW, replacementsFor(old))).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.find(old.hash)).toEqual(old);
        expect(await store.tokens.count()).toBe(1);
        expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW, [])).outcome).toBe('rotated');
      });

      it('a rotated token presented by another client is invalid and revokes nothing', async () => {
        const old = token();
        await store.tokens.save(old);
        const replacements = replacementsFor(old);
        await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, replacements);
        expect(await store.tokens.rotateRefreshToken(old.hash, 'intruder', NOW + 20, [])).toEqual({ outcome: 'invalid' });
        for (const r of replacements) expect(await store.tokens.find(r.hash)).toEqual(r);
      });

      it('is invalid for an expired token, at and after its expiry', async () => {
        const old = token({ expiresAt: NOW + 60 });
        await store.tokens.save(old);
        expect(await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 60, replacementsFor(old))).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 61, replacementsFor(old))).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.find(old.hash)).toEqual(old);
        expect(await store.tokens.count()).toBe(1);
        expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 59, [])).outcome).toBe('rotated');
      });

      it('is invalid for a revoked token, and does not revoke the rest of its family', async () => {
        const old = token();
        const sibling = token({ kind: 'access_token' });
        await store.tokens.saveAll([old, sibling]);
        await store.tokens.revoke(old.hash, NOW + 1);
        expect(await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 2, replacementsFor(old))).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.find(sibling.hash)).toEqual(sibling);
        expect(await store.tokens.count()).toBe(2);
      });

      it('is atomic: when a replacement cannot be saved, the old token is not retired', async () => {
        const old = token();
        const taken = token({ kind: 'access_token' });
        await store.tokens.saveAll([old, taken]);
        await expect(store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, [token(), token({ hash: taken.hash })])).rejects.toThrow();
        expect(await store.tokens.find(old.hash)).toEqual(old);
        expect(await store.tokens.count()).toBe(2);
        expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 11, replacementsFor(old))).outcome).toBe('rotated');
      });

      it('of 20 concurrent rotations of one token exactly one rotates; the others are replays', async () => {
        const old = token();
        await store.tokens.save(old);
        const attempts = Array.from({ length: 20 }, () => replacementsFor(old));
        const results = await Promise.all(attempts.map((r) => store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, r)));
        const winners = results.flatMap((r, i) => (r.outcome === 'rotated' ? [attempts[i]!] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'reused')).toHaveLength(19);
        // Only the winner's replacements were saved, and the replays revoked them.
        expect(await store.tokens.count()).toBe(3);
        for (const t of winners[0]!) expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW + 10);
      });
    });

    describe('tokens: races', () => {
      it('a replay racing the rotation of its successor leaves no live token in the family', async () => {
        for (let round = 0; round < 10; round++) {
          const familyId = unique('family');
          const first = token({ familyId });
          await store.tokens.save(first);
          const second = replacementsFor(first);
          await store.tokens.rotateRefreshToken(first.hash, 'app', NOW + 10, second);
          const third = replacementsFor(first);
          const [legit, replay] = await Promise.all([
            store.tokens.rotateRefreshToken(second[1]!.hash, 'app', NOW + 20, third),
            store.tokens.rotateRefreshToken(first.hash, 'app', NOW + 20, []),
          ]);
          expect(replay.outcome).toBe('reused');
          expect(['rotated', 'invalid']).toContain(legit.outcome);
          for (const t of [first, ...second, ...third]) {
            const stored = await store.tokens.find(t.hash);
            if (stored) expect(stored.revokedAt, `round ${round}: ${t.hash} is still live`).not.toBeNull();
          }
        }
      });

      it('a family revocation racing a rotation leaves no live token in the family', async () => {
        for (let round = 0; round < 10; round++) {
          const familyId = unique('family');
          const old = token({ familyId });
          await store.tokens.save(old);
          const replacements = replacementsFor(old);
          const [rotation] = await Promise.all([
            store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 10, replacements),
            store.tokens.revokeFamily(familyId, NOW + 10),
          ]);
          expect(['rotated', 'invalid']).toContain(rotation.outcome);
          for (const t of [old, ...replacements]) {
            const stored = await store.tokens.find(t.hash);
            if (stored) expect(stored.revokedAt, `round ${round}: ${t.hash} is still live`).not.toBeNull();
          }
        }
      });
    });

    describe('keys', () => {
      it('has no active key at first', async () => {
        expect(await store.keys.listActive()).toEqual([]);
      });

      it('lists the active keys newest first, with their JWKs intact', async () => {
        const older = signingKey({ createdAt: NOW - 100 });
        const newest = signingKey({ createdAt: NOW });
        const middle = signingKey({ createdAt: NOW - 50 });
        const retired = signingKey({ createdAt: NOW + 10, active: false });
        for (const k of [older, newest, middle, retired]) await store.keys.insert(k);
        expect(await store.keys.listActive()).toEqual([newest, middle, older]);
      });

      it('insertIfNone inserts when there is no active key and returns it', async () => {
        const key = signingKey();
        expect(await store.keys.insertIfNone(key)).toEqual([key]);
        expect(await store.keys.listActive()).toEqual([key]);
      });

      it('insertIfNone does not insert when a key is active, and returns the active keys', async () => {
        const [a, b] = [signingKey({ createdAt: NOW - 10 }), signingKey()];
        await store.keys.insert(a);
        await store.keys.insert(b);
        expect(await store.keys.insertIfNone(signingKey({ createdAt: NOW + 10 }))).toEqual([b, a]);
        expect(await store.keys.listActive()).toEqual([b, a]);
      });

      it('insertIfNone inserts once every key has been deactivated', async () => {
        const old = signingKey({ createdAt: NOW - 10 });
        await store.keys.insert(old);
        await store.keys.deactivate(old.kid);
        const fresh = signingKey();
        expect(await store.keys.insertIfNone(fresh)).toEqual([fresh]);
      });

      it('of 10 concurrent insertIfNone calls on an empty store one wins, and all return its key', async () => {
        const candidates = Array.from({ length: 10 }, () => signingKey());
        const results = await Promise.all(candidates.map((k) => store.keys.insertIfNone(k)));
        const active = await store.keys.listActive();
        expect(active).toHaveLength(1);
        for (const r of results) expect(r).toEqual(active);
      });

      it('insertIfNone is per algorithm: a key of another algorithm does not stop it, and it returns the keys of its own', async () => {
        const es = signingKey();
        await store.keys.insert(es);
        const rs = signingKey({ alg: 'RS256' });
        expect(await store.keys.insertIfNone(rs)).toEqual([rs]);
        expect(await store.keys.insertIfNone(signingKey({ alg: 'RS256', createdAt: NOW + 5 }))).toEqual([rs]);
        expect(await store.keys.insertIfNone(signingKey())).toEqual([es]);
        expect((await store.keys.listActive()).map((k) => k.kid).sort()).toEqual([es.kid, rs.kid].sort());
      });

      it('of 10 concurrent insertIfNone calls per algorithm, one of each algorithm wins', async () => {
        const candidates = (['ES256', 'RS256', 'EdDSA'] as const).flatMap((alg) => Array.from({ length: 10 }, () => signingKey({ alg })));
        await Promise.all(candidates.map((k) => store.keys.insertIfNone(k)));
        expect((await store.keys.listActive()).map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      });

      it('insertIfNewestBefore looks at the keys of its own algorithm only', async () => {
        await store.keys.insert(signingKey({ alg: 'RS256', createdAt: NOW - 100 }));
        await store.keys.insert(signingKey({ createdAt: NOW }));
        // The ES256 key is new, but the RS256 one is old enough: an RS256 rotation is due.
        expect(await store.keys.insertIfNewestBefore(signingKey({ alg: 'RS256', createdAt: NOW + 1 }), NOW - 50)).toBe(true);
        expect(await store.keys.insertIfNewestBefore(signingKey({ createdAt: NOW + 1 }), NOW - 50)).toBe(false);
      });

      it('insertIfNewestBefore inserts only when every active key is older, once of 10 concurrent calls', async () => {
        await store.keys.insert(signingKey({ createdAt: NOW - 100 }));
        await store.keys.insert(signingKey({ createdAt: NOW - 50, active: false }));
        expect(await store.keys.insertIfNewestBefore(signingKey({ createdAt: NOW }), NOW - 100)).toBe(false);
        const candidates = Array.from({ length: 10 }, () => signingKey({ createdAt: NOW, signsFrom: NOW + 360 }));
        const results = await Promise.all(candidates.map((k) => store.keys.insertIfNewestBefore(k, NOW - 99)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = candidates[results.indexOf(true)];
        expect((await store.keys.listActive())[0]).toEqual(winner);
        expect(await store.keys.listActive()).toHaveLength(2);
      });

      it('deactivate is true once for an active key, false otherwise', async () => {
        const [kept, retired] = [signingKey({ createdAt: NOW - 10 }), signingKey()];
        await store.keys.insert(kept);
        await store.keys.insert(retired);
        expect(await store.keys.deactivate(retired.kid)).toBe(true);
        expect(await store.keys.deactivate(retired.kid)).toBe(false);
        expect(await store.keys.deactivate('unknown')).toBe(false);
        expect(await store.keys.listActive()).toEqual([kept]);
      });
    });

    describe('codes.find and codes.redeem', () => {
      /** What a redemption of `c` issues: an access token and a refresh token of its family. */
      const issuedFrom = (c: CodeRecord): TokenRecord[] => [
        token({ kind: 'access_token', familyId: c.familyId, clientId: c.clientId, userId: c.userId, subject: c.userId }),
        token({ kind: 'refresh_token', familyId: c.familyId, clientId: c.clientId, userId: c.userId, subject: c.userId }),
      ];
      /** The tokens of `records` that are stored and not revoked. */
      const live = async (records: TokenRecord[]): Promise<TokenRecord[]> => {
        const stored = await Promise.all(records.map((r) => store.tokens.find(r.hash)));
        return stored.filter((t): t is TokenRecord => t !== undefined && t.revokedAt === null);
      };

      it('find returns every field of a code, and undefined for an unknown one', async () => {
        const c = code();
        const nulls = code({ redirectUri: null, codeChallenge: null, scope: [] });
        await store.codes.save(c);
        await store.codes.save(nulls);
        expect(await store.codes.find(c.hash)).toEqual(c);
        expect(await store.codes.find(nulls.hash)).toEqual(nulls);
        expect(await store.codes.find('unknown')).toBeUndefined();
      });

      it('find changes nothing, and still returns the code once it is consumed or expired', async () => {
        const c = code();
        await store.codes.save(c);
        expect(await store.codes.find(c.hash)).toEqual(c);
        expect(await store.codes.find(c.hash)).toEqual(c);
        expect((await store.codes.redeem(c.hash, NOW, [])).outcome).toBe('redeemed');
        expect(await store.codes.find(c.hash)).toEqual({ ...c, consumedAt: NOW });
        const expired = code({ expiresAt: NOW - 1 });
        await store.codes.save(expired);
        expect(await store.codes.find(expired.hash)).toEqual(expired);
      });

      it('redeem of a live code marks it consumed and saves the tokens issued from it', async () => {
        const c = code();
        const nulls = code({ redirectUri: null, codeChallenge: null, scope: [] });
        await store.codes.save(c);
        await store.codes.save(nulls);
        const issued = issuedFrom(c);
        expect(await store.codes.redeem(c.hash, NOW, issued)).toEqual({ outcome: 'redeemed', code: { ...c, consumedAt: NOW } });
        for (const t of issued) expect(await store.tokens.find(t.hash)).toEqual(t);
        expect(await store.codes.redeem(nulls.hash, NOW + 1, [])).toEqual({ outcome: 'redeemed', code: { ...nulls, consumedAt: NOW + 1 } });
        expect(await store.tokens.count()).toBe(2);
      });

      it('a second redeem is replayed: it saves nothing and revokes every token of the family, and only of it', async () => {
        const c = code();
        await store.codes.save(c);
        const issued = issuedFrom(c);
        await store.codes.redeem(c.hash, NOW, issued);
        // A token of the family issued later (a rotation), one revoked already, and another family's.
        const later = token({ familyId: c.familyId });
        const revokedBefore = token({ familyId: c.familyId, revokedAt: NOW + 1 });
        const stranger = token({ familyId: unique('family') });
        await store.tokens.saveAll([later, revokedBefore, stranger]);

        const replayRecords = issuedFrom(c);
        expect(await store.codes.redeem(c.hash, NOW + 10, replayRecords))
          .toEqual({ outcome: 'replayed', code: { ...c, consumedAt: NOW }, revoked: 3 });
        for (const t of [...issued, later]) expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW + 10);
        expect((await store.tokens.find(revokedBefore.hash))?.revokedAt).toBe(NOW + 1);
        expect(await store.tokens.find(stranger.hash)).toEqual(stranger);
        for (const t of replayRecords) expect(await store.tokens.find(t.hash)).toBeUndefined();
        // The code stays consumed at its first redemption; every later attempt is a replay.
        expect(await store.codes.find(c.hash)).toEqual({ ...c, consumedAt: NOW });
        expect(await store.codes.redeem(c.hash, NOW + 11, [])).toEqual({ outcome: 'replayed', code: { ...c, consumedAt: NOW }, revoked: 0 });
      });

      it('a replay after the code expired is still replayed', async () => {
        const c = code();
        await store.codes.save(c);
        const issued = issuedFrom(c);
        await store.codes.redeem(c.hash, NOW, issued);
        const replay = await store.codes.redeem(c.hash, c.expiresAt + 100, []);
        expect(replay).toEqual({ outcome: 'replayed', code: { ...c, consumedAt: NOW }, revoked: 2 });
        expect(await live(issued)).toEqual([]);
      });

      it('is invalid for an unknown code and for an expired one (at and after expiresAt), and changes nothing', async () => {
        const c = code();
        await store.codes.save(c);
        const records = issuedFrom(c);
        expect(await store.codes.redeem('unknown', NOW, records)).toEqual({ outcome: 'invalid' });
        expect(await store.codes.redeem(c.hash, c.expiresAt, records)).toEqual({ outcome: 'invalid' });
        expect(await store.codes.redeem(c.hash, c.expiresAt + 1, records)).toEqual({ outcome: 'invalid' });
        // An expired code stays unconsumed: a late attempt is not a replay, and saves nothing.
        expect(await store.codes.find(c.hash)).toEqual(c);
        expect(await store.codes.redeem(c.hash, c.expiresAt + 2, records)).toEqual({ outcome: 'invalid' });
        expect(await store.tokens.count()).toBe(0);
      });

      it('find, then a failed validation that does not call redeem, leaves the code redeemable', async () => {
        const c = code();
        await store.codes.save(c);
        // The grant reads the code, then refuses the request (another client, a wrong redirect_uri
        // or code_verifier) without calling redeem.
        expect(await store.codes.find(c.hash)).toEqual(c);
        // The rightful client then redeems it.
        const issued = issuedFrom(c);
        expect((await store.codes.redeem(c.hash, NOW + 1, issued)).outcome).toBe('redeemed');
        expect(await live(issued)).toEqual(issued);
      });

      it('is atomic: when a token cannot be saved, the code is not consumed and stays redeemable', async () => {
        const c = code();
        const taken = token();
        await store.codes.save(c);
        await store.tokens.save(taken);
        const [fresh] = issuedFrom(c);
        await expect(store.codes.redeem(c.hash, NOW, [fresh!, token({ hash: taken.hash })])).rejects.toThrow();
        expect(await store.codes.find(c.hash)).toEqual(c);
        expect(await store.tokens.find(fresh!.hash)).toBeUndefined();
        expect(await store.tokens.count()).toBe(1);
        const issued = issuedFrom(c);
        expect((await store.codes.redeem(c.hash, NOW + 1, issued)).outcome).toBe('redeemed');
        expect(await live(issued)).toEqual(issued);
      });

      it('of 20 concurrent redemptions one redeems; every other is a replay that revokes after the redemption committed', async () => {
        const c = code();
        await store.codes.save(c);
        const attempts = Array.from({ length: 20 }, () => issuedFrom(c));
        // How many tokens were stored at the moment each replay was answered.
        const storedWhenReplayAnswered: Promise<number>[] = [];
        const results = await Promise.all(attempts.map((records) => store.codes.redeem(c.hash, NOW, records).then((r) => {
          if (r.outcome === 'replayed') storedWhenReplayAnswered.push(store.tokens.count());
          return r;
        })));

        const winners = results.flatMap((r, i) => (r.outcome === 'redeemed' ? [attempts[i]!] : []));
        expect(winners).toHaveLength(1);
        const replays = results.flatMap((r) => (r.outcome === 'replayed' ? [r] : []));
        expect(replays).toHaveLength(19);
        // Every replay saw the redemption committed: the code consumed, and the winner's tokens saved,
        // already when it was answered, and the replays revoked them between them, each live token once.
        for (const r of replays) expect(r.code).toEqual({ ...c, consumedAt: NOW });
        expect(await Promise.all(storedWhenReplayAnswered)).toEqual(replays.map(() => winners[0]!.length));
        expect(replays.reduce((sum, r) => sum + r.revoked, 0)).toBe(winners[0]!.length);
        // Only the winner's tokens were saved, and once all 20 are answered none of them is live.
        expect(await store.tokens.count()).toBe(winners[0]!.length);
        for (const t of winners[0]!) expect((await store.tokens.find(t.hash))?.revokedAt).toBe(NOW);
        expect(await live(attempts.flat())).toEqual([]);
      });

      it('a replay racing a rotation of the refresh token it issued leaves no live token in the family', async () => {
        for (let round = 0; round < 10; round++) {
          const c = code();
          await store.codes.save(c);
          const issued = issuedFrom(c);
          expect((await store.codes.redeem(c.hash, NOW, issued)).outcome).toBe('redeemed');
          const rotated = replacementsFor(issued[1]!);
          const [rotation, replay] = await Promise.all([
            store.tokens.rotateRefreshToken(issued[1]!.hash, c.clientId, NOW + 10, rotated),
            store.codes.redeem(c.hash, NOW + 10, issuedFrom(c)),
          ]);
          expect(replay.outcome).toBe('replayed');
          expect(['rotated', 'invalid']).toContain(rotation.outcome);
          expect(await live([...issued, ...rotated]), `round ${round}`).toEqual([]);
        }
      });
    });

    describe('codes', () => {
      it('refuses a second code with the same hash', async () => {
        const c = code();
        await store.codes.save(c);
        await expect(store.codes.save(code({ hash: c.hash }))).rejects.toThrow();
      });

      it('purgeExpired deletes the codes that expired before the given time', async () => {
        const [old, edge, live] = [code({ expiresAt: NOW - 1 }), code({ expiresAt: NOW }), code({ expiresAt: NOW + 1 })];
        for (const c of [old, edge, live]) await store.codes.save(c);
        expect(await store.codes.purgeExpired(NOW)).toBe(1);
        expect(await store.codes.find(old.hash)).toBeUndefined();
        expect(await store.codes.find(edge.hash)).toEqual(edge);
        expect(await store.codes.find(live.hash)).toEqual(live);
        expect(await store.codes.purgeExpired(NOW)).toBe(0);
      });
    });

    describe('consents', () => {
      const sorted = (scopes: string[]): string[] => [...scopes].sort();
      const API = 'https://api.example/';
      const scopesOf = async (userId: string, clientId: string, audience = API) => (await store.consents.find(userId, clientId, audience))?.scopes;

      it('has none for a user who never consented, which differs from a consent to no scope', async () => {
        expect(await store.consents.find('user-1', 'app', API)).toBeUndefined();
        await store.consents.grant('user-1', 'app', API, [], NOW);
        expect(await store.consents.find('user-1', 'app', API)).toEqual({ userId: 'user-1', clientId: 'app', audience: API, scopes: [], claims: [], grantedAt: NOW });
      });

      it('grant adds the claims allowed one by one to those allowed before, without duplicates', async () => {
        await store.consents.grant('user-1', 'app', API, ['openid'], NOW, ['email', 'phone_number']);
        await store.consents.grant('user-1', 'app', API, ['openid'], NOW + 1);
        await store.consents.grant('user-1', 'app', API, ['openid'], NOW + 2, ['phone_number', 'address']);
        await store.consents.grant('user-1', 'app', 'https://other-api.example/', ['openid'], NOW, ['birthdate']);
        expect(sorted((await store.consents.find('user-1', 'app', API))?.claims ?? [])).toEqual(['address', 'email', 'phone_number']);
        expect((await store.consents.find('user-1', 'app', 'https://other-api.example/'))?.claims).toEqual(['birthdate']);
      });

      it('grant adds scopes to what was granted, without duplicates, per user, client and audience', async () => {
        await store.consents.grant('user-1', 'app', API, ['openid', 'read'], NOW);
        await store.consents.grant('user-1', 'app', API, ['read', 'write', 'write'], NOW + 1);
        await store.consents.grant('user-1', 'other', API, ['admin'], NOW);
        await store.consents.grant('user-2', 'app', API, ['read'], NOW);
        await store.consents.grant('user-1', 'app', 'https://other-api.example/', ['delete'], NOW);
        expect(sorted((await scopesOf('user-1', 'app')) ?? [])).toEqual(['openid', 'read', 'write']);
        expect(await scopesOf('user-1', 'other')).toEqual(['admin']);
        expect(await scopesOf('user-2', 'app')).toEqual(['read']);
        expect(await scopesOf('user-1', 'app', 'https://other-api.example/')).toEqual(['delete']);
        expect((await store.consents.listForUser('user-1')).map((c) => [c.clientId, c.audience])).toEqual([
          ['app', API], ['app', 'https://other-api.example/'], ['other', API]].sort((a, b) => `${a}`.localeCompare(`${b}`)));
      });

      it('withdraw removes the user\'s consents for one client and ends their grants there, true once', async () => {
        const u = user();
        await store.users.upsert(u);
        await store.consents.grant(u.id, 'app', API, ['read'], NOW);
        await store.consents.grant(u.id, 'app', 'https://other-api.example/', ['read'], NOW);
        await store.consents.grant(u.id, 'other', API, ['read'], NOW);
        const mine = token({ clientId: 'app', userId: u.id, subject: u.id, familyId: 'fam-app' });
        const otherClient = token({ clientId: 'other', userId: u.id, subject: u.id, familyId: 'fam-other' });
        const otherUser = token({ clientId: 'app', userId: 'someone-else', subject: 'someone-else', familyId: 'fam-else' });
        await store.tokens.saveAll([mine, otherClient, otherUser]);
        const pending = code({ clientId: 'app', userId: u.id });
        await store.codes.save(pending);
        expect((await store.consents.withdraw(u.id, 'app', NOW + 5)).withdrawn).toBe(true);
        expect((await store.consents.withdraw(u.id, 'app', NOW + 6)).withdrawn).toBe(false);
        expect(await store.consents.find(u.id, 'app', API)).toBeUndefined();
        expect(await store.consents.find(u.id, 'app', 'https://other-api.example/')).toBeUndefined();
        expect(await scopesOf(u.id, 'other')).toEqual(['read']);
        expect((await store.tokens.find(mine.hash))?.revokedAt).toBe(NOW + 5);
        expect((await store.tokens.find(otherClient.hash))?.revokedAt).toBeNull();
        expect((await store.tokens.find(otherUser.hash))?.revokedAt).toBeNull();
        expect(await store.codes.find(pending.hash)).toBeUndefined();
      });

      it('concurrent grants lose no scope', async () => {
        const scopes = Array.from({ length: 10 }, (_, i) => `scope-${i}`);
        await Promise.all(scopes.map((s) => store.consents.grant('user-1', 'app', API, [s], NOW)));
        expect(sorted((await scopesOf('user-1', 'app')) ?? [])).toEqual(sorted(scopes));
      });

      it('deleting a client ends everything granted to it: a client registered again under its id inherits nothing', async () => {
        const c = client();
        const u = user();
        await store.clients.upsert(c);
        await store.users.upsert(u);
        await store.consents.grant(u.id, c.clientId, API, ['read'], NOW);
        const live = token({ clientId: c.clientId, userId: u.id, subject: u.id });
        await store.tokens.save(live);
        const pending = code({ clientId: c.clientId, userId: u.id });
        await store.codes.save(pending);
        await store.resources.upsert({ resource: API, scope: [], introspectionClients: ['gateway', c.clientId], createdAt: NOW });
        expect(await store.clients.delete(c.clientId, NOW + 1)).toBe(true);
        await store.clients.upsert(c);
        expect(await store.consents.find(u.id, c.clientId, API)).toBeUndefined();
        expect((await store.resources.get(API))?.introspectionClients).toEqual(['gateway']);
        expect((await store.tokens.find(live.hash))?.revokedAt).toBe(NOW + 1);
        expect(await store.codes.find(pending.hash)).toBeUndefined();
      });

      it('deleting a user ends everything granted in their name', async () => {
        const u = user();
        await store.users.upsert(u);
        await store.consents.grant(u.id, 'app', API, ['read'], NOW);
        const live = token({ clientId: 'app', userId: u.id, subject: u.id });
        await store.tokens.save(live);
        const pending = code({ clientId: 'app', userId: u.id });
        await store.codes.save(pending);
        expect(await store.users.delete(u.username, NOW + 2)).toBe(true);
        expect(await store.consents.listForUser(u.id)).toEqual([]);
        expect((await store.tokens.find(live.hash))?.revokedAt).toBe(NOW + 2);
        expect(await store.codes.find(pending.hash)).toBeUndefined();
      });

      it('a withdrawal racing a rotation of the same grant leaves nothing of it live', async () => {
        const u = user();
        await store.users.upsert(u);
        for (let round = 0; round < 5; round++) {
          await store.consents.grant(u.id, 'app', API, ['read'], NOW);
          const family = `fam-race-${round}`;
          const old = token({ clientId: 'app', userId: u.id, subject: u.id, familyId: family, expiresAt: NOW + HOUR });
          await store.tokens.save(old);
          const successor = token({ clientId: 'app', userId: u.id, subject: u.id, familyId: family, expiresAt: NOW + HOUR });
          await Promise.all([
            store.tokens.rotateRefreshToken(old.hash, 'app', NOW, [successor]),
            store.consents.withdraw(u.id, 'app', NOW),
          ]);
          const after = await store.tokens.find(successor.hash);
          // Either the rotation came first (its successor is then revoked) or it found the token revoked.
          expect(after === undefined || after.revokedAt !== null).toBe(true);
        }
      });
    });

    // The throttle's contract is in conformance-throttle.ts.

    describe('sessions', () => {
      it('finds a saved session until it expires', async () => {
        const anonymous = session();
        const signedIn = session({ userId: 'user-1', authTime: NOW - 5 });
        await store.sessions.save(anonymous);
        await store.sessions.save(signedIn);
        expect(await store.sessions.find(anonymous.hash, NOW)).toEqual(anonymous);
        expect(await store.sessions.find(signedIn.hash, anonymous.expiresAt - 1)).toEqual(signedIn);
        expect(await store.sessions.find(signedIn.hash, signedIn.expiresAt)).toBeUndefined();
        expect(await store.sessions.find('unknown', NOW)).toBeUndefined();
      });

      it('keeps a session\'s OpenID sid, and a row of an older version has none', async () => {
        const withSid = session({ userId: 'user-1', authTime: NOW, sid: unique('sid') });
        await store.sessions.save(withSid);
        expect((await store.sessions.find(withSid.hash, NOW))?.sid).toBe(withSid.sid);
        const legacy = session({ userId: 'user-1', authTime: NOW });
        await store.sessions.save(legacy);
        expect((await store.sessions.find(legacy.hash, NOW))?.sid).toBeNull();
      });

      it('save of an existing session updates it but keeps its createdAt', async () => {
        const s = session();
        await store.sessions.save(s);
        const signedIn = { ...s, userId: 'user-1', authTime: NOW + 10, csrfToken: 'rotated-csrf', createdAt: NOW + 10, expiresAt: NOW + 2 * HOUR };
        await store.sessions.save(signedIn);
        expect(await store.sessions.find(s.hash, NOW + 10)).toEqual({ ...signedIn, createdAt: s.createdAt });
      });

      it('delete removes one session, and ignores an unknown one', async () => {
        const [kept, gone] = [session(), session()];
        await store.sessions.save(kept);
        await store.sessions.save(gone);
        await store.sessions.delete(gone.hash);
        await store.sessions.delete('unknown');
        expect(await store.sessions.find(gone.hash, NOW)).toBeUndefined();
        expect(await store.sessions.find(kept.hash, NOW)).toEqual(kept);
      });

      it('purgeExpired deletes the sessions that expired before the given time', async () => {
        const [old, edge, live] = [session({ expiresAt: NOW - 1 }), session({ expiresAt: NOW }), session({ expiresAt: NOW + 1 })];
        for (const s of [old, edge, live]) await store.sessions.save(s);
        expect(await store.sessions.purgeExpired(NOW)).toBe(1);
        expect(await store.sessions.find(edge.hash, NOW - 5)).toEqual(edge);
        expect(await store.sessions.find(old.hash, NOW - 5)).toBeUndefined();
        expect(await store.sessions.find(live.hash, NOW)).toEqual(live);
      });
    });
  });
}
