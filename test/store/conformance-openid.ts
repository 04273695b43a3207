import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, OpenIdGrantRecord, SessionMember, Store, User } from '../../src/store/types.js';

/**
 * The contract of OpenIdGrantStore and of the OpenID Connect columns of users and clients
 * (src/store/types.ts), run against every backend like conformance.ts: a fresh, empty store for
 * each test, times beyond 2^32 seconds.
 */
const NOW = 4_102_444_800;

function grant(overrides: Partial<OpenIdGrantRecord> = {}): OpenIdGrantRecord {
  return {
    familyId: 'family-1', clientId: 'rp', userId: 'user-1', nonce: 'n-0S6_WzA2Mj', authTime: NOW - 30, sid: 'sid-1', amr: ['pwd'],
    claimsRequest: { userinfo: { email: { essential: true } }, id_token: { name: { essential: false } } }, expiresAt: NOW + 60,
    ...overrides,
  };
}

const CLAIMS = {
  name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, phone_number_verified: false,
  address: { locality: 'Oxford', country: 'GB' }, updated_at: NOW,
};

export function openIdConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: OpenID Connect store conformance`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('saves and finds a grant with every field, nulls included', async () => {
      const full = grant();
      const bare = grant({ familyId: 'family-2', nonce: null, sid: null, amr: [], claimsRequest: null });
      await store.openIdGrants.save(full);
      await store.openIdGrants.save(bare);
      expect(await store.openIdGrants.find(full.familyId)).toEqual(full);
      expect(await store.openIdGrants.find(bare.familyId)).toEqual(bare);
      expect(await store.openIdGrants.find('unknown')).toBeUndefined();
    });

    it('a second save of a family changes nothing (the first code\'s nonce stays bound)', async () => {
      await store.openIdGrants.save(grant());
      await store.openIdGrants.save(grant({ nonce: 'other' }));
      expect((await store.openIdGrants.find('family-1'))?.nonce).toBe('n-0S6_WzA2Mj');
    });

    it('extend never shortens, and concurrent extensions keep the latest', async () => {
      await store.openIdGrants.save(grant());
      await Promise.all([store.openIdGrants.extend('family-1', NOW + 500), store.openIdGrants.extend('family-1', NOW + 900), store.openIdGrants.extend('family-1', NOW + 10)]);
      expect((await store.openIdGrants.find('family-1'))?.expiresAt).toBe(NOW + 900);
      await store.openIdGrants.extend('unknown', NOW + 900);
      expect(await store.openIdGrants.find('unknown')).toBeUndefined();
    });

    it('purges the grants that expired before the given time, and only those', async () => {
      await store.openIdGrants.save(grant({ familyId: 'old', expiresAt: NOW - 1 }));
      await store.openIdGrants.save(grant({ familyId: 'edge', expiresAt: NOW }));
      await store.openIdGrants.save(grant({ familyId: 'live', expiresAt: NOW + 1 }));
      expect(await store.openIdGrants.purgeExpired(NOW)).toBe(1);
      expect(await store.openIdGrants.find('old')).toBeUndefined();
      expect(await store.openIdGrants.find('edge')).toBeDefined();
      expect(await store.openIdGrants.find('live')).toBeDefined();
    });

    it('deleting a user, deleting a client or withdrawing consent deletes their OpenID grants', async () => {
      await store.openIdGrants.save(grant({ familyId: 'a', userId: 'user-1', clientId: 'rp' }));
      await store.openIdGrants.save(grant({ familyId: 'b', userId: 'user-2', clientId: 'rp' }));
      await store.openIdGrants.save(grant({ familyId: 'c', userId: 'user-2', clientId: 'other' }));
      await store.users.upsert({ id: 'user-1', username: 'alice', passwordHash: '$argon2id$x', claims: {}, createdAt: NOW });
      await store.users.delete('alice', NOW);
      expect(await store.openIdGrants.find('a')).toBeUndefined();
      await store.consents.grant('user-2', 'rp', 'https://api.example', ['openid'], NOW);
      await store.consents.withdraw('user-2', 'rp', NOW);
      expect(await store.openIdGrants.find('b')).toBeUndefined();
      expect(await store.openIdGrants.find('c')).toBeDefined();
    });

    it('stores a user\'s claims, and an upsert of the username replaces them', async () => {
      const alice: User = { id: 'user-1', username: 'alice', passwordHash: '$argon2id$x', claims: CLAIMS, createdAt: NOW };
      expect(await store.users.upsert(alice)).toEqual(alice);
      expect(await store.users.getByUsername('alice')).toEqual(alice);
      const changed = { ...alice, claims: { name: 'Alice L.', updated_at: NOW + 5 } };
      expect(await store.users.upsert(changed)).toEqual(changed);
      expect((await store.users.list())[0]?.claims).toEqual(changed.claims);
    });

    it('stores a client\'s id_token_signed_response_alg, and its absence', async () => {
      const base: Client = {
        clientId: 'rp', clientName: 'RP', secretHash: 'h', redirectUris: ['https://rp.example/cb'], grantTypes: ['authorization_code'],
        responseTypes: ['code'], scope: ['openid'], tokenEndpointAuthMethod: 'client_secret_basic', resources: [], skipConsent: false,
        applicationType: 'web', createdAt: NOW,
      };
      await store.clients.upsert(base);
      expect(await store.clients.get('rp')).toEqual(base);
      await store.clients.upsert({ ...base, idTokenSignedResponseAlg: 'EdDSA' });
      expect((await store.clients.get('rp'))?.idTokenSignedResponseAlg).toBe('EdDSA');
    });

    it('stores a client\'s logout metadata (post_logout_redirect_uris, backchannel_logout_uri, session required), and their absence', async () => {
      const base: Client = {
        clientId: 'rp', clientName: 'RP', secretHash: 'h', redirectUris: ['https://rp.example/cb'], grantTypes: ['authorization_code'],
        responseTypes: ['code'], scope: ['openid'], tokenEndpointAuthMethod: 'client_secret_basic', resources: [], skipConsent: false,
        applicationType: 'web', createdAt: NOW,
      };
      const withLogout: Client = {
        ...base, postLogoutRedirectUris: ['https://rp.example/out', 'https://rp.example/bye?x=1'],
        backchannelLogoutUri: 'https://rp.example/backchannel', backchannelLogoutSessionRequired: true,
      };
      await store.clients.upsert(withLogout);
      expect(await store.clients.get('rp')).toEqual(withLogout);
      await store.clients.upsert(base);
      expect(await store.clients.get('rp')).toEqual(base);
    });

    const member = (overrides: Partial<SessionMember> = {}): SessionMember => ({ sid: 'sid-1', clientId: 'rp', userId: 'user-1', expiresAt: NOW + 60, ...overrides });

    it('remembers each client of a session once, and leaveSession returns them once and forgets them', async () => {
      await store.openIdGrants.joinSession(member());
      await store.openIdGrants.joinSession(member({ expiresAt: NOW + 900 }));
      await store.openIdGrants.joinSession(member({ expiresAt: NOW + 10 }));
      await store.openIdGrants.joinSession(member({ clientId: 'other' }));
      await store.openIdGrants.joinSession(member({ sid: 'sid-2' }));
      const left = await store.openIdGrants.leaveSession('sid-1');
      expect(left.sort((a, b) => a.clientId.localeCompare(b.clientId))).toEqual([member({ clientId: 'other' }), member({ expiresAt: NOW + 900 })]);
      expect(await store.openIdGrants.leaveSession('sid-1')).toEqual([]);
      expect(await store.openIdGrants.leaveSession('sid-2')).toEqual([member({ sid: 'sid-2' })]);
    });

    it('concurrent leaveSession calls return each client to exactly one caller', async () => {
      for (const clientId of ['a', 'b', 'c', 'd']) await store.openIdGrants.joinSession(member({ clientId }));
      const results = await Promise.all([1, 2, 3, 4].map(() => store.openIdGrants.leaveSession('sid-1')));
      expect(results.flat().map((m) => m.clientId).sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('purges session memberships that expired, and ending a grant removes its client from the session', async () => {
      await store.openIdGrants.joinSession(member({ sid: 'old', expiresAt: NOW - 1 }));
      await store.openIdGrants.joinSession(member({ sid: 'live', expiresAt: NOW + 1 }));
      await store.openIdGrants.joinSession(member({ sid: 'live', clientId: 'other', expiresAt: NOW + 1 }));
      expect(await store.openIdGrants.purgeExpired(NOW)).toBe(1);
      expect(await store.openIdGrants.leaveSession('old')).toEqual([]);
      await store.consents.grant('user-1', 'rp', 'https://api.example', ['openid'], NOW);
      const withdrawal = await store.consents.withdraw('user-1', 'rp', NOW);
      // The removed (sid, client) pairs come back, for back-channel logout after the commit.
      expect(withdrawal.sessionMembers.map((m) => [m.sid, m.clientId, m.userId])).toEqual([['live', 'rp', 'user-1']]);
      expect((await store.openIdGrants.leaveSession('live')).map((m) => m.clientId)).toEqual(['other']);
    });
  });
}
