import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { basic, postForm } from '../../../test/helpers/oauth-client.js';
import { startServer, type RunningServer } from '../../../test/helpers/server.js';
import { BearerError, createBearerVerifier } from '../src/index.js';
import { fetchToken, introspectionCredentials, RESOURCE_SERVER, SERVICE } from './fixtures.js';

// Security review finding 5: a JWT verified locally keeps working after its grant is revoked,
// until it expires. An API that needs revocation at once opts in to `checkRevocation`, which asks
// the authorization server (RFC 7662), reusing an "active" answer for a few seconds at most.

let tessera: RunningServer;

beforeAll(async () => {
  tessera = await startServer({ clients: [SERVICE, RESOURCE_SERVER] });
  // The API under test: its own client may introspect the tokens meant for it (RFC 7662 §4).
  await tessera.store.resources.upsert({ resource: tessera.config.settings.audience, scope: [], introspectionClients: [RESOURCE_SERVER.client_id], createdAt: 0 });
});
afterAll(async () => tessera?.close());

async function rejection(promise: Promise<unknown>): Promise<BearerError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof BearerError)) throw new Error(`expected a BearerError, got ${String(error)}`);
  return error;
}

const revoke = (token: string) => postForm(`${tessera.issuer}/revoke`, `token=${token}`, { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });

describe('revocation check', () => {
  it('refuses a revoked JWT at once, which local verification alone still accepts', async () => {
    const audience = tessera.config.settings.audience;
    const checking = createBearerVerifier({ issuer: tessera.issuer, audience, introspection: introspectionCredentials, checkRevocation: { cacheMs: 0 } });
    const local = createBearerVerifier({ issuer: tessera.issuer, audience });
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    expect((await checking.verify(`Bearer ${token}`, ['read'])).verifiedBy).toBe('jwt');
    expect((await revoke(token)).status).toBe(200);
    const refused = await rejection(checking.verify(`Bearer ${token}`, []));
    expect(refused.status).toBe(401);
    expect(refused.error).toBe('invalid_token');
    expect(refused.wwwAuthenticate).toMatch(/error="invalid_token"/);
    // The limit the check exists for: without it the signature still verifies until exp.
    await expect(local.verify(`Bearer ${token}`, [])).resolves.toBeTruthy();
  });

  it('reuses an active answer for cacheMs only', async () => {
    const clock = new ManualClock(tessera.clock.nowSeconds());
    const verifier = createBearerVerifier({
      issuer: tessera.issuer, audience: tessera.config.settings.audience, introspection: introspectionCredentials, checkRevocation: { cacheMs: 5_000 }, clock,
    });
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    await verifier.verify(`Bearer ${token}`, []);
    await revoke(token);
    await expect(verifier.verify(`Bearer ${token}`, [])).resolves.toBeTruthy();
    clock.advance(6);
    expect((await rejection(verifier.verify(`Bearer ${token}`, []))).error).toBe('invalid_token');
  });

  it('with the cache of verified tokens, still refuses a revoked token within cacheMs of the last active answer', async () => {
    const clock = new ManualClock(tessera.clock.nowSeconds());
    const verifier = createBearerVerifier({
      issuer: tessera.issuer, audience: tessera.config.settings.audience, introspection: introspectionCredentials,
      checkRevocation: { cacheMs: 2_000 }, tokenCacheSize: 16, clock,
    });
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const claims = await verifier.verify(`Bearer ${token}`, []);
    // The signature is not checked again (same claims object), the revocation answer is reused.
    expect(await verifier.verify(`Bearer ${token}`, [])).toBe(claims);
    await revoke(token);
    clock.advance(1);
    expect(await verifier.verify(`Bearer ${token}`, [])).toBe(claims);
    clock.advance(2);
    expect((await rejection(verifier.verify(`Bearer ${token}`, []))).error).toBe('invalid_token');
    // And stays refused: the inactive answer is kept until the token expires.
    clock.advance(60);
    expect((await rejection(verifier.verify(`Bearer ${token}`, []))).status).toBe(401);
  });

  it('caps the cache at 10 seconds and needs introspection credentials', async () => {
    expect(() => createBearerVerifier({ issuer: tessera.issuer, audience: 'https://api.example', checkRevocation: true })).toThrow(TypeError);
    const clock = new ManualClock(tessera.clock.nowSeconds());
    const verifier = createBearerVerifier({
      issuer: tessera.issuer, audience: tessera.config.settings.audience, introspection: introspectionCredentials, checkRevocation: { cacheMs: 3_600_000 }, clock,
    });
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    await verifier.verify(`Bearer ${token}`, []);
    await revoke(token);
    clock.advance(11);
    expect((await rejection(verifier.verify(`Bearer ${token}`, []))).status).toBe(401);
  });

  it('answers 503 when the check cannot reach the server, never lets the token through', async () => {
    const verifier = createBearerVerifier({
      issuer: tessera.issuer, audience: tessera.config.settings.audience, introspection: { clientId: RESOURCE_SERVER.client_id, clientSecret: 'wrong' }, checkRevocation: true,
    });
    const token = await fetchToken(tessera.issuer, { scope: 'read' });
    const error = await rejection(verifier.verify(`Bearer ${token}`, []));
    expect(error.status).toBe(503);
  });
});
