import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_CUTOFF_AHEAD_SECONDS } from '../../src/store/denial-keys.js';
import type { AccessTokenIdentity, Client, CodeRecord, Store, TokenRecord } from '../../src/store/types.js';

/**
 * The contract of the access-token deny list (types.ts AccessTokenDenyList), run against every
 * backend: access tokens are not stored, so a revoked token (its jti), a revoked grant family, and
 * the ends of a user's or client's grants (cut-offs) are rows here, written by the operations that
 * revoke, in their transaction. Times lie beyond 2^32 seconds.
 */
const NOW = 4_102_444_800;
const HOUR = 3_600;

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-denials-${++sequence}`;

function accessToken(overrides: Partial<AccessTokenIdentity> = {}): AccessTokenIdentity {
  return { jti: unique('jti'), familyId: unique('family'), subject: 'user-1', clientId: 'app', issuedAt: NOW, ...overrides };
}

function refreshToken(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: unique('hash'), kind: 'refresh_token', jti: unique('jti'), clientId: 'app', subject: 'user-1', userId: 'user-1',
    scope: ['read'], audience: 'https://api.example/', issuedAt: NOW, expiresAt: NOW + HOUR,
    familyId: unique('family'), revokedAt: null, rotatedAt: null, ...overrides,
  };
}

function client(clientId: string): Client {
  return {
    clientId, clientName: 'App', secretHash: 'c2VjcmV0LWhhc2g', redirectUris: ['https://app.example/cb'], grantTypes: ['authorization_code'],
    responseTypes: ['code'], scope: ['read'], tokenEndpointAuthMethod: 'client_secret_basic', resources: [], skipConsent: false,
    applicationType: 'web', createdAt: NOW,
  };
}

function code(overrides: Partial<CodeRecord> = {}): CodeRecord {
  return {
    hash: unique('code'), clientId: 'app', userId: 'user-1', redirectUri: null, scope: ['read'], audience: 'https://api.example/',
    codeChallenge: null, familyId: unique('family'), expiresAt: NOW + 60, consumedAt: null, ...overrides,
  };
}

export function denyListConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: access-token deny list`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    const denied = (token: AccessTokenIdentity) => store.denials.isDenied(token);

    it('denies a revoked access token by its jti, once, and nothing else', async () => {
      const revoked = accessToken();
      expect(await denied(revoked)).toBe(false);
      await store.denials.denyToken(revoked.jti, NOW + HOUR, NOW);
      await store.denials.denyToken(revoked.jti, NOW + 2 * HOUR, NOW + 1);
      expect(await denied(revoked)).toBe(true);
      // Whatever its other claims: the jti is the token.
      expect(await denied({ ...revoked, familyId: null, issuedAt: NOW + 100 })).toBe(true);
      expect(await denied(accessToken({ familyId: revoked.familyId }))).toBe(false);
      expect(await store.denials.count()).toBe(1);
    });

    it('of 20 concurrent revocations of one token, one row is kept', async () => {
      const revoked = accessToken();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.denials.denyToken(revoked.jti, NOW + HOUR, NOW + i)));
      expect(await store.denials.count()).toBe(1);
      expect(await denied(revoked)).toBe(true);
    });

    it('revoking a family denies every access token of it, issued at any time, and no other', async () => {
      const family = unique('family');
      const refresh = refreshToken({ familyId: family });
      await store.tokens.save(refresh);
      expect(await store.tokens.revokeFamily(family, NOW + 5)).toBe(1);
      expect(await denied(accessToken({ familyId: family }))).toBe(true);
      expect(await denied(accessToken({ familyId: family, issuedAt: NOW + 10 }))).toBe(true);
      expect(await denied(accessToken())).toBe(false);
      // A token of an earlier version has no family: only its jti (or a cut-off) denies it.
      expect(await denied(accessToken({ familyId: null }))).toBe(false);
      // Revoking it again adds nothing.
      await store.tokens.revokeFamily(family, NOW + 6);
      expect(await store.denials.count()).toBe(1);
    });

    it('a reused refresh token denies its family\'s access tokens in the same step', async () => {
      const old = refreshToken();
      await store.tokens.save(old);
      expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 1, [refreshToken({ familyId: old.familyId })])).outcome).toBe('rotated');
      expect(await denied(accessToken({ familyId: old.familyId }))).toBe(false);
      expect((await store.tokens.rotateRefreshToken(old.hash, 'app', NOW + 2, [])).outcome).toBe('reused');
      expect(await denied(accessToken({ familyId: old.familyId }))).toBe(true);
    });

    it('a replayed code denies its family\'s access tokens in the same step', async () => {
      const issued = code();
      await store.codes.save(issued);
      expect((await store.codes.redeem(issued.hash, NOW + 1, [])).outcome).toBe('redeemed');
      expect(await denied(accessToken({ familyId: issued.familyId }))).toBe(false);
      expect((await store.codes.redeem(issued.hash, NOW + 2, [])).outcome).toBe('replayed');
      expect(await denied(accessToken({ familyId: issued.familyId }))).toBe(true);
    });

    it('ending a user\'s sessions denies their access tokens issued until then, at every client', async () => {
      const u = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: NOW, claims: {} };
      await store.users.upsert(u);
      await store.users.endSessions(u.id, NOW + 10);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 10 }))).toBe(true);
      expect(await denied(accessToken({ subject: u.id, clientId: 'other', issuedAt: NOW }))).toBe(true);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 11 }))).toBe(false);
      expect(await denied(accessToken({ subject: 'someone-else', issuedAt: NOW }))).toBe(false);
      // A later end moves the cut-off on; an earlier one (a slow writer) does not move it back.
      await store.users.endSessions(u.id, NOW + 20);
      await store.users.endSessions(u.id, NOW + 15);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 20 }))).toBe(true);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 21 }))).toBe(false);
      expect(await store.denials.count()).toBe(1);
    });

    it('concurrent ends of one user\'s sessions keep the latest cut-off', async () => {
      const u = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: NOW, claims: {} };
      await store.users.upsert(u);
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.users.endSessions(u.id, NOW + i)));
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 9 }))).toBe(true);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 10 }))).toBe(false);
      expect(await store.denials.count()).toBe(1);
    });

    it('withdrawing consent denies the user\'s access tokens at that client only; a made-up client_id adds no row', async () => {
      await store.clients.upsert(client('app'));
      await store.clients.upsert(client('other'));
      await store.consents.grant('user-1', 'app', 'https://api.example/', ['read'], NOW);
      await store.consents.withdraw('user-1', 'app', NOW + 5);
      expect(await denied(accessToken({ issuedAt: NOW + 5 }))).toBe(true);
      expect(await denied(accessToken({ issuedAt: NOW + 6 }))).toBe(false);
      expect(await denied(accessToken({ clientId: 'other' }))).toBe(false);
      expect(await denied(accessToken({ subject: 'user-2' }))).toBe(false);
      expect(await store.denials.count()).toBe(1);
      for (let i = 0; i < 5; i++) await store.consents.withdraw('user-1', unique('made-up'), NOW + 6);
      expect(await store.denials.count()).toBe(1);
    });

    it('deleting a client denies its access tokens, with or without a user, and those stale caches issue for the cache bound after; one registered again later gets new ones', async () => {
      await store.clients.upsert(client('gone'));
      expect(await store.clients.delete('gone', NOW + 5)).toBe(true);
      expect(await denied(accessToken({ clientId: 'gone', subject: 'gone', familyId: unique('family') }))).toBe(true);
      expect(await denied(accessToken({ clientId: 'gone', subject: 'user-1', issuedAt: NOW + 5 }))).toBe(true);
      // A process whose client cache still holds it issues for up to the 10 s bound after the deletion.
      expect(await denied(accessToken({ clientId: 'gone', subject: 'gone', issuedAt: NOW + 5 + 10 }))).toBe(true);
      expect(await denied(accessToken({ clientId: 'gone', subject: 'gone', issuedAt: NOW + 5 + CLIENT_CUTOFF_AHEAD_SECONDS }))).toBe(true);
      expect(await denied(accessToken({ clientId: 'gone', subject: 'gone', issuedAt: NOW + 6 + CLIENT_CUTOFF_AHEAD_SECONDS }))).toBe(false);
      expect(await denied(accessToken({ clientId: 'app' }))).toBe(false);
    });

    it('deleting a user denies their access tokens', async () => {
      const u = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: NOW, claims: {} };
      await store.users.upsert(u);
      expect(await store.users.delete(u.username, NOW + 3)).toBe(true);
      expect(await denied(accessToken({ subject: u.id, issuedAt: NOW + 3 }))).toBe(true);
      expect(await denied(accessToken({ subject: u.id, clientId: 'other', issuedAt: NOW }))).toBe(true);
    });

    it('a cut-off is dated when its transaction commits, never by an earlier `now` a caller read before slow work', async () => {
      // upsertUser read `now`, ran argon2 for seconds, then ended the sessions: tokens the old
      // password obtained in between carry a later iat and must still be denied.
      const stale = Math.floor(Date.now() / 1000) - 30;
      const current = () => Math.floor(Date.now() / 1000);
      const u = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: stale, claims: {} };
      await store.users.upsert(u);
      await store.users.endSessions(u.id, stale);
      expect(await denied(accessToken({ subject: u.id, issuedAt: current() }))).toBe(true);
      const v = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: stale, claims: {} };
      await store.users.upsert(v);
      await store.users.delete(v.username, stale);
      expect(await denied(accessToken({ subject: v.id, issuedAt: current() }))).toBe(true);
      const c = unique('client');
      await store.clients.upsert(client(c));
      await store.clients.delete(c, stale);
      expect(await denied(accessToken({ clientId: c, subject: c, issuedAt: current() }))).toBe(true);
      await store.clients.upsert(client('app'));
      await store.consents.grant('user-3', 'app', 'https://api.example/', ['read'], stale);
      await store.consents.withdraw('user-3', 'app', stale);
      expect(await denied(accessToken({ subject: 'user-3', issuedAt: current() }))).toBe(true);
      // A later token (the next second on) is not denied.
      expect(await denied(accessToken({ subject: u.id, issuedAt: current() + 2 }))).toBe(false);
    });

    it('purge deletes a token\'s row after its exp, and family and cut-off rows recorded before the bound', async () => {
      const shortLived = accessToken();
      const longLived = accessToken();
      await store.denials.denyToken(shortLived.jti, NOW + 10, NOW);
      await store.denials.denyToken(longLived.jti, NOW + HOUR, NOW);
      const refresh = refreshToken();
      await store.tokens.save(refresh);
      await store.tokens.revokeFamily(refresh.familyId, NOW);
      const u = { id: unique('user'), username: unique('name'), passwordHash: 'x', createdAt: NOW, claims: {} };
      await store.users.upsert(u);
      await store.users.endSessions(u.id, NOW + 100);
      expect(await store.denials.count()).toBe(4);

      expect(await store.denials.purge(NOW + 10, NOW)).toBe(0);
      expect(await store.denials.purge(NOW + 11, NOW + 1)).toBe(2);
      expect(await denied(shortLived)).toBe(false);
      expect(await denied(longLived)).toBe(true);
      expect(await denied(accessToken({ familyId: refresh.familyId }))).toBe(false);
      expect(await denied(accessToken({ subject: u.id }))).toBe(true);
      expect(await store.denials.purge(NOW + HOUR + 1, NOW + 101)).toBe(2);
      expect(await store.denials.count()).toBe(0);
    });
  });
}
