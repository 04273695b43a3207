import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { signJwt } from '../../src/keys/jws.js';
import { expiredKeys, expiredKeysPerAlg, generateSigningKey, KeyRing, RETIRE_MARGIN_SECONDS, signingKeyAt } from '../../src/keys/key-ring.js';
import { sealJwk } from '../../src/keys/sealed-jwk.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { KeyStore, SigningAlg, SigningKey } from '../../src/store/types.js';

// Rotation with a grace period and reloading without a restart (issue 11, part 1).

const NOW = 1_800_000_000;
const secrets = ServerSecrets.ephemeral();
const stores: SqliteStore[] = [];
afterEach(async () => { for (const store of stores.splice(0)) await store.close(); });

function openStore(): SqliteStore {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  return store;
}

async function sealedKey(createdAt: number, options: { alg?: SigningAlg; signsFrom?: number } = {}): Promise<SigningKey> {
  const key = await generateSigningKey(createdAt, options);
  return { ...key, privateJwk: { ...sealJwk(key.privateJwk, key.kid, secrets) } };
}

const kids = (ring: KeyRing) => ring.jwks.keys.map((key) => key.kid as string);
/** The published ES256 keys: the ring also holds one of each other algorithm from load on. */
const esKids = (ring: KeyRing) => ring.jwks.keys.filter((key) => key.alg === 'ES256').map((key) => key.kid);

describe('signingKeyAt', () => {
  const key = (kid: string, createdAt: number, signsFrom: number) => ({ kid, createdAt, signsFrom });

  it('picks the newest key whose signsFrom has come', () => {
    const keys = [key('pending', NOW + 2, NOW + 300), key('current', NOW + 1, NOW + 1), key('old', NOW, NOW)];
    expect(signingKeyAt(keys, NOW + 10)?.kid).toBe('current');
    expect(signingKeyAt(keys, NOW + 300)?.kid).toBe('pending');
  });

  it('keeps an emergency key (--now) signing when an earlier rotation comes due', () => {
    const keys = [key('emergency', NOW + 20, NOW + 20), key('routine', NOW + 10, NOW + 300), key('old', NOW, NOW)];
    expect(signingKeyAt(keys, NOW + 20)?.kid).toBe('emergency');
    expect(signingKeyAt(keys, NOW + 400)?.kid).toBe('emergency');
  });

  it('falls back to the key that may sign first when none may yet (clocks apart)', () => {
    expect(signingKeyAt([key('b', NOW, NOW + 50), key('a', NOW - 1, NOW + 10)], NOW)?.kid).toBe('a');
    expect(signingKeyAt([], NOW)).toBeUndefined();
  });
});

describe('expiredKeysPerAlg', () => {
  it('judges each algorithm by its own signing key', () => {
    const key = (kid: string, alg: SigningAlg, createdAt: number, signsFrom: number) => ({ kid, alg, createdAt, signsFrom });
    const keys = [key('es-new', 'ES256', NOW + 5, NOW + 5), key('rs-only', 'RS256', NOW - 1000, NOW - 1000), key('es-old', 'ES256', NOW - 2000, NOW - 2000)];
    expect(expiredKeysPerAlg(keys, NOW + 5 + 300 + RETIRE_MARGIN_SECONDS, 300).map((k) => k.kid)).toEqual(['es-old']);
    // Without the split, the newer ES256 key would have retired the only RS256 key.
    expect(expiredKeys(keys, NOW + 5 + 300 + RETIRE_MARGIN_SECONDS, 300).map((k) => k.kid)).toEqual(['rs-only', 'es-old']);
  });
});

describe('expiredKeys', () => {
  const key = (kid: string, createdAt: number, signsFrom: number) => ({ kid, createdAt, signsFrom });
  const TTL = 300;

  it('are the keys older than the signing one, once it has signed for longer than the token lifetime and a margin', () => {
    const keys = [key('new', NOW + 1, NOW + 360), key('old', NOW, NOW), key('older', NOW - 1000, NOW - 1000)];
    const due = NOW + 360 + TTL + RETIRE_MARGIN_SECONDS;
    expect(expiredKeys(keys, NOW + 359, TTL)).toEqual([]);
    expect(expiredKeys(keys, due - 1, TTL)).toEqual([]);
    expect(expiredKeys(keys, due, TTL).map((k) => k.kid)).toEqual(['old', 'older']);
  });

  it('are never the signing key nor a pending one', () => {
    const keys = [key('pending', NOW + 2, NOW + 10_000), key('signing', NOW + 1, NOW + 1), key('old', NOW, NOW)];
    expect(expiredKeys(keys, NOW + 5_000, TTL).map((k) => k.kid)).toEqual(['old']);
    expect(expiredKeys([key('only', NOW, NOW)], NOW + 10_000, TTL)).toEqual([]);
    // No key may sign yet: nothing is retired.
    expect(expiredKeys([key('a', NOW, NOW + 100), key('b', NOW - 1, NOW + 50)], NOW, TTL)).toEqual([]);
  });
});

describe('KeyRing', () => {
  it('creates a key on an empty store, publishes only its public members and signs with it', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const stored = (await store.keys.listActive()).find((key) => key.alg === 'ES256');
    expect(esKids(ring)).toEqual([stored?.kid]);
    for (const key of ring.jwks.keys) expect(key).not.toHaveProperty('d');
    expect(ring.signer(NOW).kid).toBe(stored?.kid);
    expect(stored?.signsFrom).toBe(NOW);
  });

  it('publishes a rotated key at once and signs with it from its signsFrom on, without a reload', async () => {
    const store = openStore();
    const ring0 = await KeyRing.load(store.keys, NOW, secrets);
    const first = ring0.signer(NOW).kid;
    const rotated = await sealedKey(NOW + 1, { signsFrom: NOW + 360 });
    await store.keys.insert(rotated);
    const ring = await KeyRing.load(store.keys, NOW + 1, secrets);
    expect(esKids(ring)).toEqual([rotated.kid, first]);
    expect(ring.signer(NOW + 359).kid).toBe(first);
    expect(ring.signer(NOW + 360).kid).toBe(rotated.kid);
  });

  it('reload sees keys rotated in and retired, and says whether anything changed', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const first = ring.signer(NOW).kid;
    expect(await ring.reload()).toBe(false);
    const rotated = await sealedKey(NOW + 1);
    await store.keys.insert(rotated);
    expect(await ring.reload()).toBe(true);
    expect(esKids(ring)).toEqual([rotated.kid, first]);
    expect(ring.signer(NOW + 1).kid).toBe(rotated.kid);
    await store.keys.deactivate(first);
    expect(await ring.reload()).toBe(true);
    expect(esKids(ring)).toEqual([rotated.kid]);
  });

  // RFC review L1: a reload that read the keys before an insert must not install its older
  // snapshot after a reload that saw the insert.
  it('runs reloads one after another: a slow reload with an older snapshot never overwrites a newer one', async () => {
    const store = openStore();
    let holdNext = false;
    let release: () => void = () => undefined;
    const keys: KeyStore = Object.create(store.keys) as KeyStore;
    keys.listActive = async () => {
      const snapshot = await store.keys.listActive();
      if (!holdNext) return snapshot;
      holdNext = false;
      // Read now, answered later: the timer reload whose query was slow.
      await new Promise<void>((resolve) => { release = resolve; });
      return snapshot;
    };
    const ring = await KeyRing.load(keys, NOW, secrets);
    holdNext = true;
    const slow = ring.reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rotated = await sealedKey(NOW + 1);
    await store.keys.insert(rotated);
    const fresh = ring.reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([slow, fresh]);
    expect(esKids(ring)).toContain(rotated.kid);
    expect(ring.signer(NOW + 1).kid).toBe(rotated.kid);
  });

  it('keeps the keys it has when the store has none active or fails', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const first = ring.signer(NOW).kid;
    const all = kids(ring);
    for (const kid of all) await store.keys.deactivate(kid);
    await expect(ring.reload()).rejects.toThrow(/no active signing key/);
    expect(ring.signer(NOW).kid).toBe(first);
    await store.close();
    await expect(ring.reload()).rejects.toThrow();
    expect(kids(ring)).toEqual(all);
    stores.splice(0);
  });

  it('reports failing reloads once per run of failures, keeps its keys meanwhile, and says when they work again', async () => {
    const store = openStore();
    let failing = false;
    const keys: KeyStore = Object.create(store.keys) as KeyStore;
    keys.listActive = async () => {
      if (failing) throw new Error('the database is down');
      return store.keys.listActive();
    };
    const ring = await KeyRing.load(keys, NOW, secrets);
    const first = ring.signer(NOW).kid;
    const events: string[] = [];
    ring.startReloading({ intervalMs: 10, clock: new ManualClock(NOW), onError: (error) => events.push(String(error)), onRecovered: () => events.push('recovered'), retireExpiredAfter: 300 });
    try {
      failing = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(events).toEqual(['Error: the database is down']);
      expect(ring.signer(NOW).kid).toBe(first);
      failing = false;
      await expect.poll(() => events, { timeout: 2_000, interval: 10 }).toEqual(['Error: the database is down', 'recovered']);
    } finally {
      await ring.stop();
    }
  });

  it('reloads on a timer, reporting the change, until stopped', async () => {
    const store = openStore();
    const clock = new ManualClock(NOW);
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const changes: { published: string[]; signing: string }[] = [];
    ring.startReloading({ intervalMs: 20, clock, onError: (error) => { throw error; }, onChange: (change) => changes.push(change) });
    try {
      const rotated = await sealedKey(NOW + 1, { signsFrom: NOW + 100 });
      await store.keys.insert(rotated);
      await expect.poll(() => kids(ring), { timeout: 2_000, interval: 10 }).toContain(rotated.kid);
      expect(changes).toEqual([{ published: kids(ring), signing: ring.signer(NOW).kid }]);
      expect(esKids(ring)).toEqual([rotated.kid, ring.signer(NOW).kid]);
    } finally {
      await ring.stop();
    }
  });

  it('retires on its timer the keys whose tokens have all expired, when given the token lifetime', async () => {
    const store = openStore();
    const clock = new ManualClock(NOW);
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const first = ring.signer(NOW).kid;
    const rotated = await sealedKey(NOW + 1, { signsFrom: NOW + 10 });
    await store.keys.insert(rotated);
    const retired: string[] = [];
    ring.startReloading({ intervalMs: 20, clock, onError: (error) => { throw error; }, retireExpiredAfter: 300, onRetired: (key) => retired.push(key.kid) });
    try {
      await expect.poll(() => esKids(ring), { timeout: 2_000, interval: 10 }).toEqual([rotated.kid, first]);
      clock.advance(10 + 300 + RETIRE_MARGIN_SECONDS - 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(esKids(ring)).toEqual([rotated.kid, first]);
      clock.advance(1);
      await expect.poll(() => esKids(ring), { timeout: 2_000, interval: 10 }).toEqual([rotated.kid]);
      expect(retired).toEqual([first]);
      expect((await store.keys.listActive()).filter((k) => k.alg === 'ES256').map((k) => k.kid)).toEqual([rotated.kid]);
    } finally {
      await ring.stop();
    }
  });

  // Per algorithm since resources may choose theirs (was: one rotation, of the signing key's algorithm).
  it('rotates each algorithm by itself once its newest key is as old as the interval, once between two servers', async () => {
    const store = openStore();
    const clock = new ManualClock(NOW);
    await store.keys.insert(await sealedKey(NOW, { alg: 'EdDSA' }));
    // ES256 and RS256 are created at load, 1000 s later: they come due 1000 s after EdDSA.
    const rings = [await KeyRing.load(store.keys, NOW + 1000, secrets), await KeyRing.load(store.keys, NOW + 1000, secrets)];
    const rotations: { kid: string; alg: string; signsFrom: number }[] = [];
    for (const ring of rings) {
      ring.startReloading({ intervalMs: 20, clock, onError: (error) => { throw error; }, rotateEvery: { intervalSeconds: 3600, graceSeconds: 360 }, onRotated: (key) => rotations.push(key) });
    }
    try {
      const ring = rings[0] as KeyRing;
      const [firstEs, firstEd] = [ring.signer(NOW + 1000).kid, ring.signer(NOW + 1000, 'EdDSA').kid];
      clock.advance(3599);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rotations).toEqual([]);
      clock.advance(1);
      await expect.poll(() => rings.map((r) => kids(r).length), { timeout: 2_000, interval: 10 }).toEqual([4, 4]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rotations).toHaveLength(1);
      expect(rotations[0]).toMatchObject({ alg: 'EdDSA', signsFrom: NOW + 3600 + 360 });
      for (const r of rings) {
        expect(r.signer(NOW + 3600 + 359, 'EdDSA').kid).toBe(firstEd);
        expect(r.signer(NOW + 3600 + 360, 'EdDSA').kid).toBe(rotations[0]?.kid);
        // The ES256 key is not due yet and keeps signing.
        expect(r.signer(NOW + 3600 + 360).kid).toBe(firstEs);
      }
      clock.advance(1000);
      await expect.poll(() => rings.map((r) => kids(r).length), { timeout: 10_000, interval: 10 }).toEqual([6, 6]);  // RSA keys take a while to generate on a busy machine
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rotations[0]?.alg).toBe('EdDSA');
      expect(rotations.slice(1).map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const k of rotations.slice(1)) expect(k).toMatchObject({ signsFrom: NOW + 4600 + 360 });
      for (const r of rings) {
        expect(r.signer(NOW + 4600 + 360).kid).toBe(rotations.find((k) => k.alg === 'ES256')?.kid);
        expect(r.signer(NOW + 4600 + 360, 'EdDSA').kid).toBe(rotations[0]?.kid);
      }
    } finally {
      for (const r of rings) await r.stop();
    }
  });

  it('retires per algorithm: a newer key of another algorithm never retires a key that still signs', async () => {
    const store = openStore();
    const clock = new ManualClock(NOW);
    await store.keys.insert(await sealedKey(NOW - 10_000, { alg: 'RS256' }));
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const [es, rs] = [ring.signer(NOW).kid, ring.signer(NOW, 'RS256').kid];
    const rotated = await sealedKey(NOW + 1, { alg: 'RS256', signsFrom: NOW + 10 });
    await store.keys.insert(rotated);
    const retired: { kid: string; alg: string }[] = [];
    ring.startReloading({ intervalMs: 20, clock, onError: (error) => { throw error; }, retireExpiredAfter: 300, onRetired: (key) => retired.push(key) });
    try {
      clock.advance(5_000);
      await expect.poll(() => retired, { timeout: 2_000, interval: 10 }).toEqual([{ kid: rs, alg: 'RS256' }]);
      await expect.poll(() => kids(ring).sort(), { timeout: 2_000, interval: 10 }).toEqual([es, rotated.kid, ring.signer(NOW, 'EdDSA').kid].sort());
      expect(ring.signer(NOW + 5_000).kid).toBe(es);
      expect(ring.signer(NOW + 5_000, 'RS256').kid).toBe(rotated.kid);
    } finally {
      await ring.stop();
    }
  });

  it('holds a key of every algorithm from load on, whatever is asked for; signer() without one is the default', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets, { defaultAlg: 'RS256' });
    expect(ring.defaultAlg).toBe('RS256');
    expect(ring.algs.sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(ring.signer(NOW).alg).toBe('RS256');
    expect(ring.signer(NOW, 'EdDSA').alg).toBe('EdDSA');
    expect(ring.signer(NOW, 'ES256').alg).toBe('ES256');
    expect(ring.jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(ring.created.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    // A second load stores nothing more.
    const again = await KeyRing.load(store.keys, NOW + 5, secrets);
    expect(again.created).toEqual([]);
    expect((await store.keys.listActive()).map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
  });

  it('ensureSigningAlgs stores a key only for an algorithm whose keys were all retired, once', async () => {
    const store = openStore();
    const ring = await KeyRing.load(store.keys, NOW, secrets);
    const es = ring.signer(NOW).kid;
    expect(await ring.ensureSigningAlgs(['ES256', 'RS256', 'EdDSA'], NOW + 5)).toEqual([]);
    await store.keys.deactivate(ring.signer(NOW, 'EdDSA').kid);
    const created = await ring.ensureSigningAlgs(['RS256', 'EdDSA'], NOW + 10);
    expect(created.map((key) => key.alg)).toEqual(['EdDSA']);
    expect(ring.signer(NOW + 10).kid).toBe(es);
    expect(ring.signer(NOW + 10, 'EdDSA').kid).toBe(created[0]?.kid);
    const active = await store.keys.listActive();
    expect(active.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(kids(ring).sort()).toEqual(active.map((key) => key.kid).sort());
  });

  it('two rings on one database file ensuring at once store one key per algorithm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ring-'));
    try {
      const path = join(dir, 'keys.db');
      const [a, b] = [new SqliteStore(path), new SqliteStore(path)];
      stores.push(a, b);
      const rings = await Promise.all([a, b].map((s) => KeyRing.load(s.keys, NOW, secrets, { algs: ['RS256', 'EdDSA'] })));
      const active = await a.keys.listActive();
      expect(active.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
        expect(rings.map((r) => r.signer(NOW, alg).kid)).toEqual(Array(2).fill(active.find((key) => key.alg === alg)?.kid));
      }
    } finally {
      for (const s of stores.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('signs with %s keys, and jose verifies the token with the published key', async (alg) => {
    const store = openStore();
    await store.keys.insert(await sealedKey(NOW, { alg }));
    const ring = await KeyRing.load(store.keys, NOW, secrets, { defaultAlg: alg });
    const signer = ring.signer(NOW);
    expect(signer.alg).toBe(alg);
    expect(ring.signer(NOW, alg).kid).toBe(signer.kid);
    const claims = { iss: 'https://as.example', sub: 's', aud: 'https://api.example', iat: NOW, exp: NOW + 60 };
    const jwt = signJwt({ typ: 'at+jwt' }, claims, signer);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg, typ: 'at+jwt', kid: signer.kid });
    const published = ring.jwks.keys.find((key) => key.kid === signer.kid) as Record<string, unknown>;
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(published).not.toHaveProperty(member);
    const { payload } = await jwtVerify(jwt, await importJWK(published, alg), { algorithms: [alg], typ: 'at+jwt', currentDate: new Date(NOW * 1000) });
    expect(payload).toEqual(claims);
  });
});
