import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// From the RFC review of issue 10: RFC 8707 §2.2, a `resource` at the token endpoint names the
// target "for all grant types", so a code or refresh token for API A is not exchanged for B's;
// an API removed from a client ends its grants there; RFC 6749 §3.3, no empty scope value.

const CB = 'https://app.example/cb';
const API_A = 'https://api-a.example';
const API_B = 'https://api-b.example';
const APP = { client_id: 'app', client_secret: 'app-secret', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], redirect_uris: [CB], scope: 'read', resources: [API_A, API_B] };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [APP, { client_id: 'bare', client_secret: 'bare-secret', grant_types: ['client_credentials'] }],
    users: [{ username: 'ann', password: 'ann-password' }],
  });
});
afterAll(async () => server?.close());

const auth = { authorization: basic('app', 'app-secret') };

async function tokensFor(resource: string): Promise<Record<string, unknown>> {
  const agent = new UserAgent(server.issuer);
  const back = await authorizeAs(agent, `/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB, resource })}`, { username: 'ann', password: 'ann-password' });
  const code = back.searchParams.get('code') ?? '';
  const other = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, resource: resource === API_A ? API_B : API_A }).toString(), auth);
  expect(other.status).toBe(400);
  expect(other.json.error).toBe('invalid_target');
  const right = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, resource }).toString(), auth);
  expect(right.status).toBe(200);
  return right.json;
}

describe('resource at the token endpoint (RFC 8707 section 2.2)', () => {
  it('a code for API A is not exchanged for a token for API B, and a failed attempt does not burn it', async () => {
    await tokensFor(API_A);
  });

  it('a refresh token of API A does not yield a token for another API', async () => {
    const tokens = await tokensFor(API_A);
    const other = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), resource: API_B }).toString(), auth);
    expect(other.json.error).toBe('invalid_target');
    const same = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), resource: API_A }).toString(), auth);
    expect(same.status).toBe(200);
  });

  it('an API removed from the client ends its grants there at the next refresh', async () => {
    const tokens = await tokensFor(API_B);
    await server.store.clients.upsert(clientFromMetadata({ ...APP, resources: [API_A] }, server.clock.nowSeconds(), server.hashing));
    try {
      const refreshed = await postForm(`${server.issuer}/token`, `grant_type=refresh_token&refresh_token=${String(tokens.refresh_token)}`, auth);
      expect(refreshed.json.error).toBe('invalid_grant');
    } finally {
      await server.store.clients.upsert(clientFromMetadata(APP, server.clock.nowSeconds(), server.hashing));
    }
  });
});

describe('scope in token responses (RFC 6749 section 3.3)', () => {
  it('is left out rather than sent empty', async () => {
    const response = await postForm(`${server.issuer}/token`, 'grant_type=client_credentials', { authorization: basic('bare', 'bare-secret') });
    expect(response.status).toBe(200);
    expect('scope' in response.json).toBe(false);
  });
});
