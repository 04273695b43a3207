import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 11, first rule: after an administrator narrowed a client's scope, its
// refresh tokens still yielded the old scope. A refresh now returns at most the intersection of
// the refresh token's scope and the client's current registered scope.

const ANN = { username: 'ann', password: 'ann-password' };

let server: RunningServer;
let sequence = 0;

beforeAll(async () => { server = await startServer({ users: [ANN] }); });
afterAll(async () => server?.close());

/** A fresh client registered for `scope`, and a refresh token of ann's for all of it. */
async function clientWithTokens(scope = 'read write') {
  const clientId = `app-${++sequence}`;
  const { clientFromMetadata } = await import('../../src/core/client-metadata.js');
  await server.store.clients.upsert(clientFromMetadata(
    { client_id: clientId, client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope }, server.clock.nowSeconds(), server.hashing));
  const auth = { authorization: basic(clientId, 'app-secret') };
  const tokens = await postForm(`${server.issuer}/token`, `grant_type=password&username=ann&password=ann-password&scope=${encodeURIComponent(scope)}`, auth);
  expect(tokens.status).toBe(200);
  expect(tokens.json.scope ?? '').toBe(scope);
  const refresh = (token: string, extra = '') =>
    postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}${extra}`, auth);
  return { clientId, refreshToken: tokens.json.refresh_token as string, refresh };
}

/** The administrator changes the client's registered scope (as `tessera client create` on an existing id would). */
async function registerScope(clientId: string, scope: string[]): Promise<void> {
  const client = await server.store.clients.get(clientId);
  await server.store.clients.upsert({ ...client!, scope });
}

function jwtScope(accessToken: string): unknown {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { scope?: string }).scope;
}

/** Introspected by the token's own client (RFC 7662 §4: the server decides who may see a token). */
async function introspect(token: string, clientId: string): Promise<Record<string, unknown>> {
  return (await postForm(`${server.issuer}/introspect`, `token=${encodeURIComponent(token)}`, { authorization: basic(clientId, 'app-secret') })).json;
}

describe('a narrowed client gets the narrowed scope at refresh (finding 11)', () => {
  it('refresh yields only the scope the client is still registered for', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens();
    await registerScope(clientId, ['read']);
    const refreshed = await refresh(refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope).toBe('read');
    expect(jwtScope(refreshed.json.access_token as string)).toBe('read');
    expect(await introspect(refreshed.json.access_token as string, clientId)).toMatchObject({ active: true, scope: 'read' });
    // And every later refresh of the chain too.
    const again = await refresh(refreshed.json.refresh_token as string);
    expect(again.json.scope).toBe('read');
  });

  it('asking for the removed scope explicitly is refused with invalid_scope', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens();
    await registerScope(clientId, ['read']);
    const widened = await refresh(refreshToken, '&scope=write');
    expect(widened.status).toBe(400);
    expect(widened.json.error).toBe('invalid_scope');
    expect(widened.json).not.toHaveProperty('access_token');
    // Asking for both gets what is still allowed (RFC 6749 §3.3: the response says which).
    const both = await refresh(refreshToken, '&scope=read%20write');
    expect(both.status).toBe(200);
    expect(both.json.scope).toBe('read');
  });

  it('a client narrowed to none of the refresh token\'s scope gets invalid_grant, and no token', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens();
    await registerScope(clientId, ['admin']);
    const refused = await refresh(refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_grant');
    expect(refused.json).not.toHaveProperty('access_token');
  });

  it('a client registered again with the scope back gets it back (the refresh token kept its scope, RFC 6749 §6)', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens();
    await registerScope(clientId, ['read']);
    const narrowed = await refresh(refreshToken);
    expect(narrowed.json.scope).toBe('read');
    await registerScope(clientId, ['read', 'write']);
    const restored = await refresh(narrowed.json.refresh_token as string);
    expect(restored.json.scope).toBe('read write');
  });

  it('a refresh token with no scope at all keeps working for a client with no scope', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens('');
    await registerScope(clientId, []);
    const refreshed = await refresh(refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope ?? '').toBe('');
  });

  it('a retry of a rotation does not hand out the old scope after the client was narrowed', async () => {
    const { clientId, refreshToken, refresh } = await clientWithTokens();
    const rotated = await refresh(refreshToken);
    expect(rotated.json.scope).toBe('read write');
    await registerScope(clientId, ['read']);
    const retry = await refresh(refreshToken);
    expect(retry.status).toBe(400);
    expect(retry.json.error).toBe('invalid_grant');
    expect(retry.json).not.toHaveProperty('access_token');
  });
});
