import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RotateResult, SealedSuccessor, Store, TokenRecord } from '../../src/store/types.js';

/**
 * The contract of tokens.rotateRefreshToken with a sealed successor (security review finding 15),
 * run against every backend: a retry by the same client within the window, while the successors
 * are live and unused, gets the first rotation's sealed successor back and changes nothing; every
 * other reuse revokes the family (RFC 9700 §4.14.2). Times lie beyond 2^32 seconds.
 */
const NOW = 4_102_444_800;
const HOUR = 3_600;
const WINDOW = 30;

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-rotation-${++sequence}`;

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: unique('hash'), kind: 'refresh_token', jti: unique('jti'), clientId: 'app', subject: 'user-1', userId: 'user-1',
    scope: ['read', 'write'], audience: 'https://api.example/', issuedAt: NOW, expiresAt: NOW + HOUR,
    familyId: 'family-1', revokedAt: null, rotatedAt: null, ...overrides,
  };
}

/** What a refresh stores: its new refresh token, of the old one's family (access tokens are not stored). */
function replacementsFor(old: TokenRecord): [TokenRecord] {
  return [token({ kind: 'refresh_token', familyId: old.familyId, clientId: old.clientId })];
}

/** A successor kept until `until`; its access token is known by its jti alone. */
const sealed = (until: number, label = unique('sealed')): SealedSuccessor => ({ sealed: label, until, accessTokenId: unique('access-jti') });

export function storeRotationConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name}: refresh rotation with retries`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    const rotate = (old: TokenRecord, at: number, replacements: TokenRecord[] = replacementsFor(old), successor?: SealedSuccessor, clientId = old.clientId) =>
      store.tokens.rotateRefreshToken(old.hash, clientId, at, replacements, successor);

    /** A saved refresh token, rotated at NOW + 10 with a successor sealed for WINDOW seconds. */
    async function rotated(familyId = unique('family')) {
      const old = token({ familyId });
      await store.tokens.save(old);
      const successors = replacementsFor(old);
      const kept = sealed(NOW + 10 + WINDOW);
      expect(await rotate(old, NOW + 10, successors, kept)).toEqual({ outcome: 'rotated', previous: { ...old, rotatedAt: NOW + 10 } });
      return { old, successors, kept };
    }

    async function expectFamilyRevoked(records: readonly TokenRecord[], at: number): Promise<void> {
      for (const t of records) expect((await store.tokens.find(t.hash))?.revokedAt, t.hash).toBe(at);
    }

    async function expectLive(records: readonly TokenRecord[]): Promise<void> {
      for (const t of records) expect(await store.tokens.find(t.hash), t.hash).toEqual(t);
    }

    it('a retry by the same client within the window gets the sealed successor back, and nothing changes', async () => {
      const { old, successors, kept } = await rotated();
      const retry = await rotate(old, NOW + 10 + WINDOW - 1, replacementsFor(old), sealed(NOW + 100));
      expect(retry).toEqual({ outcome: 'retried', previous: { ...old, rotatedAt: NOW + 10 }, sealed: kept.sealed });
      // The retry's own replacements were not saved, and nothing was revoked.
      expect(await store.tokens.count()).toBe(2);
      await expectLive(successors);
      expect(await store.tokens.find(old.hash)).toEqual({ ...old, rotatedAt: NOW + 10 });
      // Again: still the first rotation's successor.
      expect(await rotate(old, NOW + 20, [])).toEqual(retry);
    });

    it('a retry at the end of the window is a replay: the family is revoked', async () => {
      const { old, successors } = await rotated();
      const replay = await rotate(old, NOW + 10 + WINDOW, replacementsFor(old), sealed(NOW + 100));
      expect(replay.outcome).toBe('reused');
      await expectFamilyRevoked([old, ...successors], NOW + 10 + WINDOW);
      expect(await store.tokens.count()).toBe(2);
    });

    it('a retry after the successor refresh token was used is a replay: the family is revoked', async () => {
      const { old, successors } = await rotated();
      const next = replacementsFor(old);
      expect((await rotate(successors[0], NOW + 12, next, sealed(NOW + 42))).outcome).toBe('rotated');
      expect((await rotate(old, NOW + 13, [])).outcome).toBe('reused');
      await expectFamilyRevoked([old, ...successors, ...next], NOW + 13);
      // And the successor's own retry window is closed too: its family is revoked.
      expect((await rotate(successors[0], NOW + 14, [])).outcome).not.toBe('retried');
    });

    it('a retry after the successors were revoked is not answered: no resurrection', async () => {
      const { old, successors } = await rotated();
      await store.tokens.revokeFamily(old.familyId, NOW + 11);
      const retry = await rotate(old, NOW + 12, replacementsFor(old), sealed(NOW + 50));
      expect(retry.outcome).not.toBe('retried');
      await expectFamilyRevoked([old, ...successors], NOW + 11);
      expect(await store.tokens.count()).toBe(2);
    });

    it('a retry after the successor access token alone was revoked (its jti denied) is a replay', async () => {
      const { old, successors, kept } = await rotated();
      await store.denials.denyToken(kept.accessTokenId, NOW + HOUR, NOW + 11);
      expect((await rotate(old, NOW + 12, [])).outcome).toBe('reused');
      expect((await store.tokens.find(successors[0].hash))?.revokedAt).toBe(NOW + 12);
    });

    it('is never answered after the window the caller bounded by the access token\'s expiry', async () => {
      const old = token();
      await store.tokens.save(old);
      // refresh-token.ts: until = min(now + window, the access token's exp)
      await rotate(old, NOW + 10, replacementsFor(old), sealed(NOW + 20));
      expect((await rotate(old, NOW + 19, [])).outcome).toBe('retried');
      expect((await rotate(old, NOW + 20, [])).outcome).toBe('reused');
    });

    it('another client gets invalid, never the sealed successor, and nothing is revoked', async () => {
      const { old, successors } = await rotated();
      expect(await rotate(old, NOW + 11, replacementsFor(old), sealed(NOW + 50), 'intruder')).toEqual({ outcome: 'invalid' });
      await expectLive(successors);
      expect((await rotate(old, NOW + 12, [])).outcome).toBe('retried');
    });

    it('without a sealed successor, or with a window already closed, a retry is a replay', async () => {
      for (const successor of [undefined, sealed(NOW + 10), sealed(NOW + 5)]) {
        const old = token({ familyId: unique('family') });
        await store.tokens.save(old);
        expect((await rotate(old, NOW + 10, replacementsFor(old), successor)).outcome).toBe('rotated');
        expect((await rotate(old, NOW + 10, [])).outcome).toBe('reused');
      }
    });

    it('keeps a successor only for one refresh token', async () => {
      const old = token();
      await store.tokens.save(old);
      expect((await rotate(old, NOW + 10, [], sealed(NOW + 40))).outcome).toBe('rotated');
      expect((await rotate(old, NOW + 11, [])).outcome).toBe('reused');
    });

    it('is atomic: when a replacement cannot be saved, no successor is kept and the token is not retired', async () => {
      const old = token();
      const taken = token({ familyId: unique('family') });
      await store.tokens.saveAll([old, taken]);
      await expect(rotate(old, NOW + 10, [token({ hash: taken.hash })], sealed(NOW + 40))).rejects.toThrow();
      expect(await store.tokens.find(old.hash)).toEqual(old);
      const successors = replacementsFor(old);
      expect((await rotate(old, NOW + 11, successors, sealed(NOW + 41, 'second'))).outcome).toBe('rotated');
      expect(await rotate(old, NOW + 12, [])).toMatchObject({ outcome: 'retried', sealed: 'second' });
    });

    it('purgeSealedSuccessors deletes those whose window closed, and keeps the others', async () => {
      const early = await rotated();
      const old = token({ familyId: unique('family') });
      await store.tokens.save(old);
      await rotate(old, NOW + 10, replacementsFor(old), sealed(NOW + 100, 'late'));
      expect(await store.tokens.purgeSealedSuccessors(NOW + 10 + WINDOW - 1)).toBe(0);
      expect(await store.tokens.purgeSealedSuccessors(NOW + 10 + WINDOW)).toBe(1);
      expect(await rotate(old, NOW + 50, [])).toMatchObject({ outcome: 'retried', sealed: 'late' });
      expect(await store.tokens.purgeSealedSuccessors(NOW + 100)).toBe(1);
      expect(await store.tokens.purgeSealedSuccessors(NOW + 100)).toBe(0);
      expect((await rotate(early.old, NOW + 101, [])).outcome).toBe('reused');
    });

    it('of 20 concurrent rotations of one token, one rotates and the 19 others get its sealed successor', async () => {
      const old = token();
      await store.tokens.save(old);
      const attempts = Array.from({ length: 20 }, (_, i) => ({ replacements: replacementsFor(old), successor: sealed(NOW + 40, `attempt-${i}`) }));
      const results = await Promise.all(attempts.map((a) => rotate(old, NOW + 10, a.replacements, a.successor)));
      const winners = attempts.filter((_, i) => results[i]!.outcome === 'rotated');
      expect(winners).toHaveLength(1);
      const others = results.filter((r): r is Extract<RotateResult, { outcome: 'retried' }> => r.outcome === 'retried');
      expect(others).toHaveLength(19);
      for (const r of others) expect(r.sealed).toBe(winners[0]!.successor.sealed);
      // Only the winner's replacements were saved, and they are live: the grant survives.
      expect(await store.tokens.count()).toBe(2);
      await expectLive(winners[0]!.replacements);
    });

    it('a retry racing the rotation of the successor: either it is answered and the successor rotates, or the family is revoked', async () => {
      for (let round = 0; round < 10; round++) {
        const { old, successors } = await rotated(unique('family'));
        const next = replacementsFor(old);
        const [legit, retry] = await Promise.all([
          rotate(successors[0], NOW + 20, next, sealed(NOW + 50)),
          rotate(old, NOW + 20, replacementsFor(old), sealed(NOW + 50)),
        ]);
        if (retry.outcome === 'retried') {
          expect(legit.outcome, `round ${round}`).toBe('rotated');
          await expectLive(next);
        } else {
          expect(retry.outcome, `round ${round}`).toBe('reused');
          for (const t of [old, ...successors, ...next]) {
            const stored = await store.tokens.find(t.hash);
            if (stored) expect(stored.revokedAt, `round ${round}: ${t.hash} is still live`).not.toBeNull();
          }
        }
      }
    });
  });
}
