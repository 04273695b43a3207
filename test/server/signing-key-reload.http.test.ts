import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { generateSigningKey, RETIRE_MARGIN_SECONDS } from '../../src/keys/key-ring.js';
import { buildServer } from '../../src/server/app.js';
import { serverSettings } from '../../src/server/settings.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// A running server follows the keys in its store (issue 11, part 1): a key rotated in is published
// at once and signs from its time on, a replaced key is retired once its tokens have expired, and
// the JWKS max-age is the setting.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

async function start() {
  const store = new SqliteStore(':memory:');
  closers.push(() => store.close());
  const secrets = ServerSecrets.ephemeral();
  const clock = new ManualClock();
  await store.clients.upsert(clientFromMetadata({ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'] }, clock.nowSeconds(), new SecretHashing(secrets)));
  const settings = serverSettings({ issuer: 'http://127.0.0.1:9', accessTokenTtl: 300, jwksMaxAge: 42 });
  const app = await buildServer({ settings, store, secrets, clock, logger: false, keyReloadMs: 20 });
  closers.push(() => app.close());
  const jwks = async () => {
    const response = await app.inject({ method: 'GET', url: '/jwks' });
    return { cacheControl: response.headers['cache-control'], kids: (response.json() as { keys: { kid: string; alg: string }[] }).keys.filter((k) => k.alg === 'ES256').map((k) => k.kid) };
  };
  const tokenKid = async () => {
    const response = await app.inject({
      method: 'POST', url: '/token', payload: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}` },
    });
    expect(response.statusCode).toBe(200);
    return decodeProtectedHeader((response.json() as { access_token: string }).access_token).kid;
  };
  return { store, clock, jwks, tokenKid };
}

describe('signing keys of a running server', () => {
  it('publishes a rotated key within the reload interval, signs with it from its time on, and retires the old one after the token lifetime', async () => {
    const { store, clock, jwks, tokenKid } = await start();
    const before = await jwks();
    expect(before.cacheControl).toBe('public, max-age=42');
    const [first] = before.kids;
    expect(await tokenKid()).toBe(first);

    const now = clock.nowSeconds();
    const rotated = await generateSigningKey(now + 1, { signsFrom: now + 100 });
    await store.keys.insert(rotated);
    await expect.poll(async () => (await jwks()).kids, { timeout: 2_000, interval: 20 }).toEqual([rotated.kid, first]);
    expect(await tokenKid()).toBe(first);
    clock.advance(99);
    expect(await tokenKid()).toBe(first);
    clock.advance(1);
    expect(await tokenKid()).toBe(rotated.kid);

    clock.advance(300 + RETIRE_MARGIN_SECONDS - 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await jwks()).kids).toEqual([rotated.kid, first]);
    clock.advance(1);
    await expect.poll(async () => (await jwks()).kids, { timeout: 2_000, interval: 20 }).toEqual([rotated.kid]);
    expect((await store.keys.listActive()).filter((k) => k.alg === 'ES256').map((k) => k.kid)).toEqual([rotated.kid]);
  });

  it('keeps signing with the keys it has while the store holds no active key, and follows the store again afterwards', async () => {
    const { store, jwks, tokenKid } = await start();
    const [first] = (await jwks()).kids;
    // Every key of every algorithm (one of each is stored at start).
    for (const key of await store.keys.listActive()) await store.keys.deactivate(key.kid);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await tokenKid()).toBe(first);
    expect((await jwks()).kids).toEqual([first]);
    const replacement = await generateSigningKey(Math.floor(Date.now() / 1000) - 5);
    await store.keys.insert(replacement);
    await expect.poll(tokenKid, { timeout: 2_000, interval: 20 }).toBe(replacement.kid);
  });
});
