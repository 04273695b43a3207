import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, insecure } from '../helpers/oauth-client.js';
import { closeHttp, startServer, type RunningServer } from '../helpers/server.js';
import { hiddenField, UserAgent } from '../helpers/user-agent.js';

// Client ID Metadata Documents, served by a tiny node:http server on 127.0.0.1 (so the server runs
// under --cimd-allow-private-hosts), through the real sign-in and consent pages and oauth4webapi.
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const CALLBACK = 'https://app.example/callback';

let documents: Server;
let origin: string;
let hits = 0;
const served: Record<string, object> = {};
let signingKey: CryptoKey;
let server: RunningServer;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  documents = createServer((request, response) => {
    hits += 1;
    const document = served[request.url ?? ''];
    if (!document) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(documents.address() as { port: number }).port}`;
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'cimd-1' };
  served['/public.json'] = { client_id: `${origin}/public.json`, client_name: 'Notes <b>App</b>', redirect_uris: [CALLBACK], scope: 'read', client_uri: 'https://app.example', logo_uri: 'https://app.example/logo.png' };
  served['/signed.json'] = { client_id: `${origin}/signed.json`, client_name: 'Signed App', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], scope: 'read offline_access', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } };
  served['/mismatch.json'] = { client_id: 'https://elsewhere.example/client.json', redirect_uris: [CALLBACK] };
  served['/secret.json'] = { client_id: `${origin}/secret.json`, redirect_uris: [CALLBACK], client_secret: 'shared', token_endpoint_auth_method: 'client_secret_basic' };
  served['/admin-scope.json'] = { client_id: `${origin}/admin-scope.json`, redirect_uris: [CALLBACK], scope: 'admin write:everything' };
  served['/credentials.json'] = { client_id: `${origin}/credentials.json`, redirect_uris: [CALLBACK], grant_types: ['client_credentials'] };
  server = await startServer({ users: [ALICE], flags: { clientIdMetadataDocuments: 'on', cimdAllowPrivateHosts: 'true', dynamicRegistrationScope: 'read offline_access' } });
  as = await discover(server.issuer);
});
afterAll(async () => {
  await server.close();
  await closeHttp(documents);
});

function authorizeUrl(issuer: string, params: Record<string, string>): string {
  return `${issuer}/authorize?${new URLSearchParams(params).toString()}`;
}

/** Signs in on the real pages and returns the consent page's HTML and the agent at that point. */
async function consentPageFor(clientId: string, challenge: string, agent = new UserAgent(server.issuer)) {
  let page = await agent.request(authorizeUrl(server.issuer, { client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'read', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' }));
  if (page.body.includes('action="/login"')) {
    // The sign-in page names the document's host beside the name it claims.
    expect(page.body).toContain(`(${new URL(clientId).host}, not verified)`);
    const signIn = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...ALICE } });
    expect(signIn.status).toBe(303);
    page = await agent.request(signIn.location as string);
  }
  return { agent, page };
}

async function allow(agent: UserAgent, body: string): Promise<URL> {
  const answer = await agent.request('/consent', { form: { csrf_token: hiddenField(body, 'csrf_token'), request: hiddenField(body, 'request'), decision: 'allow' } });
  expect(answer.status).toBe(303);
  return new URL(answer.location as string);
}

describe('Client ID Metadata Documents', () => {
  it('are advertised when enabled', () => {
    expect(as.client_id_metadata_document_supported).toBe(true);
  });

  it('run a code + PKCE flow for a public client, whose consent page says it is not verified', async () => {
    const clientId = `${origin}/public.json`;
    const verifier = oauth.generateRandomCodeVerifier();
    const { agent, page } = await consentPageFor(clientId, await oauth.calculatePKCECodeChallenge(verifier));
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/consent"');
    expect(page.body).toContain('Notes &lt;b&gt;App&lt;/b&gt;');
    expect(page.body).not.toContain('<b>App</b>');
    expect(page.body).toContain('not verified');
    expect(page.body).toContain(`<strong class="client-host">${new URL(origin).host}</strong>`);
    expect(page.body).toContain('<strong class="redirect-host">app.example</strong>');
    const callback = await allow(agent, page.body);
    const client = { client_id: clientId };
    const params = oauth.validateAuthResponse(as, client, callback, 's1');
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.scope).toBe('read');
    const claims = await oauth.validateJwtAccessToken(as, new Request('http://127.0.0.1/', { headers: { authorization: `Bearer ${tokens.access_token}` } }), server.issuer, insecure);
    expect(claims.client_id).toBe(clientId);
    // Consent is never skipped for such a client, even right after it was given.
    const again = await consentPageFor(clientId, await oauth.calculatePKCECodeChallenge(verifier), agent);
    expect(again.page.body).toContain('action="/consent"');
    // Nothing was written to the clients table.
    expect((await server.store.clients.list()).map((c) => c.clientId)).not.toContain(clientId);
  });

  it('run a code + PKCE flow for a private_key_jwt client (oauth4webapi PrivateKeyJwt), with a refresh', async () => {
    const clientId = `${origin}/signed.json`;
    const verifier = oauth.generateRandomCodeVerifier();
    const { agent, page } = await consentPageFor(clientId, await oauth.calculatePKCECodeChallenge(verifier));
    expect(page.body).toContain('Signed App');
    const callback = await allow(agent, page.body);
    const client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key: signingKey, kid: 'cimd-1' });
    const params = oauth.validateAuthResponse(as, client, callback, 's1');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params, CALLBACK, verifier, insecure));
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token as string, insecure));
    expect(refreshed.access_token).toBeTruthy();
    // Without its assertion, the client is refused.
    const unauthenticated = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, insecure);
    expect(unauthenticated.status).toBe(401);
  });

  it.each([
    ['a document whose client_id is not its URL', '/mismatch.json'],
    ['a document with a client_secret', '/secret.json'],
    ['a document for another grant', '/credentials.json'],
    ['a document asking only for scopes outside the self-service scope (--dynamic-registration-scope)', '/admin-scope.json'],
    ['a missing document', '/nothing.json'],
  ])('refuses %s', async (_name, path) => {
    const page = await new UserAgent(server.issuer).request(authorizeUrl(server.issuer, { client_id: `${origin}${path}`, redirect_uri: CALLBACK, response_type: 'code', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }));
    expect(page.status).toBe(400);
    expect(page.body).toContain('Unknown client');
  });

  it('refuses client_id URLs that are not in canonical form, with dot segments, a fragment or credentials', async () => {
    const before = hits;
    for (const clientId of [`${origin}/a/../public.json`, `${origin}/public.json#x`, `http://user:pw@127.0.0.1:1/public.json`, `${origin}`, `${origin}/`]) {
      const page = await new UserAgent(server.issuer).request(authorizeUrl(server.issuer, { client_id: clientId, redirect_uri: CALLBACK, response_type: 'code' }));
      expect(page.status).toBe(400);
    }
    expect(hits).toBe(before);
  });
});

describe('Client ID Metadata Documents: the safe defaults', () => {
  it('without --cimd-allow-private-hosts, a 127.0.0.1 document is refused before any request', async () => {
    const strict = await startServer({ users: [ALICE], flags: { clientIdMetadataDocuments: 'on' } });
    try {
      const before = hits;
      for (const clientId of [`${origin}/public.json`, `https://127.0.0.1:${new URL(origin).port}/public.json`, 'https://localhost/public.json']) {
        const page = await new UserAgent(strict.issuer).request(authorizeUrl(strict.issuer, { client_id: clientId, redirect_uri: CALLBACK, response_type: 'code' }));
        expect(page.status).toBe(400);
        expect(page.body).toContain('Unknown client');
      }
      expect(hits).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it('is off by default: not advertised, and URL client_ids are unknown clients', async () => {
    const plain = await startServer({ flags: { cimdAllowPrivateHosts: 'true' } });
    try {
      expect((await discover(plain.issuer)).client_id_metadata_document_supported).toBeUndefined();
      const before = hits;
      const page = await new UserAgent(plain.issuer).request(authorizeUrl(plain.issuer, { client_id: `${origin}/public.json`, redirect_uri: CALLBACK, response_type: 'code' }));
      expect(page.status).toBe(400);
      expect(hits).toBe(before);
    } finally {
      await plain.close();
    }
  });

  it('--cimd-allowed-hosts refuses other hosts', async () => {
    const policy = await startServer({ flags: { clientIdMetadataDocuments: 'on', cimdAllowPrivateHosts: 'true', cimdAllowedHosts: 'clients.example.com' } });
    try {
      const before = hits;
      const page = await new UserAgent(policy.issuer).request(authorizeUrl(policy.issuer, { client_id: `${origin}/public.json`, redirect_uri: CALLBACK, response_type: 'code' }));
      expect(page.status).toBe(400);
      expect(hits).toBe(before);
    } finally {
      await policy.close();
    }
  });
});
