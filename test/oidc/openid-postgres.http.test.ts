import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { usePostgresSchemas } from '../store/postgres-schemas.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// The OpenID Connect flow on PostgreSQL, with openid-client as the relying party: the OpenID
// record of a grant (nonce, auth_time, sid, claims) travels from /authorize to /token and to
// every refresh through the store, and a refresh retried in parallel gets the same ID token.
const schemas = usePostgresSchemas();
const CB = 'http://127.0.0.1:9/callback';
const ALICE = { username: 'alice', password: 'alice-postgres-password' };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    store: await PostgresStore.connect(await schemas.freshSchemaUrl()),
    clients: [{ client_id: 'rp', client_secret: 'rp-secret', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CB], scope: 'openid profile offline_access' }],
    users: [{ ...ALICE, claims: { name: 'Alice Liddell', preferred_username: 'alice' } }],
  });
});
afterAll(async () => server?.close());

describe('OpenID Connect on PostgreSQL', () => {
  it('code + PKCE + nonce, UserInfo, and a refresh whose parallel retry gets the same ID token', async () => {
    const config = await client.discovery(new URL(server.issuer), 'rp', 'rp-secret', client.ClientSecretBasic('rp-secret'), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CB, scope: 'openid profile offline_access', nonce, prompt: 'consent',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const callback = await authorizeAs(new UserAgent(server.issuer), url.href, ALICE);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: server.issuer, aud: 'rp', nonce });
    expect(await client.fetchUserInfo(config, tokens.access_token, claims?.sub as string)).toMatchObject({ name: 'Alice Liddell', preferred_username: 'alice' });

    const refresh = () => fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('rp:rp-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }),
    }).then(async (response) => ({ status: response.status, body: await response.json() as Record<string, string> }));
    const [first, second] = await Promise.all([refresh(), refresh()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.id_token).toEqual(expect.any(String));
    // RFC 9700 rotation with retries (docs/CONFIGURATION.md): the retry gets the same tokens, ID token included.
    expect(second.body.id_token).toBe(first.body.id_token);
    expect(second.body.access_token).toBe(first.body.access_token);
    const again = await client.refreshTokenGrant(config, first.body.refresh_token as string);
    expect(again.claims()).toMatchObject({ sub: claims?.sub, auth_time: claims?.auth_time, aud: 'rp' });
  });
});
