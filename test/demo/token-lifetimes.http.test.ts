import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

/** Issue 15 §8: the demo's tokens live long enough to read an exchange; the refresh page's expire while you watch. */
let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

const lifetime = (accessToken: string) => {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; iat: number };
  return claims.exp - claims.iat;
};

async function codeGrant(client: { clientId: string; clientSecret: string }, redirectUri: string) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, scope: 'read', state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: demo.urls.resourceServer,
  });
  const back = await authorizeAs(new UserAgent(demo.urls.authorizationServer), `/authorize?${query}`, { username: 'alice', password: 'wonderland' });
  const code = back.searchParams.get('code') ?? '';
  return postForm(`${demo.urls.authorizationServer}/token`, new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, resource: demo.urls.resourceServer,
  }).toString(), { authorization: basic(client.clientId, client.clientSecret) });
}

describe('the demo token lifetimes', () => {
  it('gives the pages 600 s access tokens by default', async () => {
    expect(demo.accessTokenTtl).toBe(600);
    const service = PLAYGROUND_CLIENTS.clientCredentials;
    const token = await postForm(`${demo.urls.authorizationServer}/token`, 'grant_type=client_credentials&scope=read',
      { authorization: basic(service.clientId, service.clientSecret) });
    expect(token.json.expires_in).toBe(600);
    expect(lifetime(String(token.json.access_token))).toBe(600);
    const web = await codeGrant(PLAYGROUND_CLIENTS.authorizationCode, playgroundRedirectUris(demo.urls).authorizationCode);
    expect(web.json.expires_in).toBe(600);
  });

  it("gives the refresh page's client 60 s tokens, at the code exchange and at each refresh", async () => {
    expect(demo.refreshPageAccessTokenTtl).toBe(60);
    const frame = PLAYGROUND_CLIENTS.refreshToken;
    const first = await codeGrant(frame, playgroundRedirectUris(demo.urls).refreshToken);
    expect(first.status).toBe(200);
    expect(first.json.expires_in).toBe(60);
    expect(lifetime(String(first.json.access_token))).toBe(60);
    // It really expires at 60 s: the demo API refuses it then.
    demo.clock.advance(61);
    const api = await fetch(`${demo.urls.resourceServer}/api/resources`, { headers: { authorization: `Bearer ${String(first.json.access_token)}` } });
    expect(api.status).toBe(401);
    const refreshed = await postForm(`${demo.urls.authorizationServer}/token`, `grant_type=refresh_token&refresh_token=${String(first.json.refresh_token)}`,
      { authorization: basic(frame.clientId, frame.clientSecret) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.expires_in).toBe(60);
    expect(lifetime(String(refreshed.json.access_token))).toBe(60);
  });
});
