import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttp, startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// The open redirect that open registration made reachable: anyone can register a client whose
// redirect_uri and post_logout_redirect_uri are theirs, then use the server's own address to send
// a browser there without the user doing anything. RFC 9700 §4.11.2: the AS redirects
// automatically only to a URI it trusts; RP-Initiated Logout 1.0 §3: no post-logout redirection
// without id_token_hint unless the OP has other means of confirming the target. A client an
// administrator registered is trusted; a self-registered one (RFC 7591, Client ID Metadata
// Document) is not: the user sees the server's page, and decides.
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const EVIL_CB = 'https://evil.example/cb';
const EVIL_OUT = 'https://evil.example/out';
const TRUSTED_CB = 'https://app.example/cb';
const TRUSTED_OUT = 'https://app.example/out';

let server: RunningServer;
let documents: Server;
let cimdClientId: string;

beforeAll(async () => {
  documents = createServer((request, response) => {
    if (request.url !== '/printer.json') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      client_id: cimdClientId, client_name: 'Photo Printer', redirect_uris: [EVIL_CB], post_logout_redirect_uris: [EVIL_OUT], scope: 'openid profile',
    }));
  });
  await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
  cimdClientId = `http://127.0.0.1:${(documents.address() as { port: number }).port}/printer.json`;
  server = await startServer({
    users: [ALICE],
    clients: [{
      client_id: 'printer', client_name: 'Trusted Printer', token_endpoint_auth_method: 'none', redirect_uris: [TRUSTED_CB],
      post_logout_redirect_uris: [TRUSTED_OUT], scope: 'openid profile', grant_types: ['authorization_code'],
    }],
    flags: { dynamicRegistration: 'open', clientIdMetadataDocuments: 'on', cimdAllowPrivateHosts: 'true' },
  });
});
afterAll(async () => {
  await server.close();
  await closeHttp(documents);
});

/** The red team's registration: a public web client whose addresses are all the attacker's. */
async function registerEvilClient(): Promise<string> {
  const response = await fetch(`${server.issuer}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [EVIL_CB], post_logout_redirect_uris: [EVIL_OUT], token_endpoint_auth_method: 'none', client_name: 'Photo Printer' }),
  });
  expect(response.status).toBe(201);
  return (await response.json() as { client_id: string }).client_id;
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizePath(params: Record<string, string>): string {
  return `/authorize?${new URLSearchParams(params)}`;
}

/** The href of the page's "Return to" link, unescaped. */
function returnLink(body: string): string {
  const match = /<a class="return-link" href="([^"]*)"/.exec(body);
  if (!match?.[1]) throw new Error('no return link in page');
  return match[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** The server's error page for a self-registered client: no redirect, the error named, the user's link back. */
function expectErrorPage(page: { status: number; location: string | null; body: string; headers: Headers }, error: string, redirectUri: string): URL {
  expect(page.status).toBe(400);
  expect(page.location).toBeNull();
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(page.body).toContain(`<code>${error}</code>`);
  expect(page.body).toContain(`Return to ${new URL(redirectUri).origin}`);
  const link = new URL(returnLink(page.body));
  expect(`${link.origin}${link.pathname}`).toBe(redirectUri);
  expect(link.searchParams.get('error')).toBe(error);
  expect(link.searchParams.get('iss')).toBe(server.issuer);
  return link;
}

describe('/authorize errors for a self-registered client (RFC 9700 §4.11.2)', () => {
  it('the red team\'s request: no redirect to the registered URI, the server\'s page with a link the user may follow', async () => {
    const clientId = await registerEvilClient();
    const agent = new UserAgent(server.issuer);
    const page = await agent.request(authorizePath({ response_type: 'code', client_id: clientId, redirect_uri: EVIL_CB, scope: 'read', state: 'x' }));
    const link = expectErrorPage(page, 'invalid_request', EVIL_CB);
    // The link is the RFC 6749 §4.1.2.1 error response: error, its description, state, and iss (RFC 9207).
    expect(link.searchParams.get('state')).toBe('x');
    expect(link.searchParams.get('error_description')).not.toBeNull();
  });

  it('every error found before the user signed in and decided is shown, never redirected; input is never echoed', async () => {
    const clientId = await registerEvilClient();
    const { challenge } = pkce();
    const base = { response_type: 'code', client_id: clientId, redirect_uri: EVIL_CB, code_challenge: challenge, code_challenge_method: 'S256' };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, scope: 'admin<script>' }, 'invalid_scope'],
      [{ ...base, response_type: 'token<b>' }, 'unsupported_response_type'],
      [{ ...base, scope: 'openid', resource: 'https://elsewhere.example/<api>' }, 'invalid_target'],
      [{ ...base, scope: 'openid', code_challenge_method: 'plain' }, 'invalid_request'],
      [{ ...base, scope: 'openid', state: 'caf\u00e9' }, 'invalid_request'],
      // OpenID Connect Core §3.1.2.1 prompt=none with nobody signed in: login_required, as a page.
      [{ ...base, scope: 'openid', prompt: 'none', nonce: 'n' }, 'login_required'],
      [{ ...base, scope: 'openid', id_token_hint: 'not-a-token', nonce: 'n' }, 'invalid_request'],
    ];
    for (const [params, error] of cases) {
      const page = await new UserAgent(server.issuer).request(authorizePath(params));
      expectErrorPage(page, error, EVIL_CB);
      expect(page.body).not.toContain('<script>');
      expect(page.body).not.toContain('elsewhere.example');
      expect(page.body).not.toMatch(/token&lt;b|&lt;api/);
    }
  });

  it('prompt=none for a signed-in user who has not allowed the client: consent_required, as a page', async () => {
    const clientId = await registerEvilClient();
    const agent = new UserAgent(server.issuer);
    const { challenge } = pkce();
    const params = { response_type: 'code', client_id: clientId, redirect_uri: EVIL_CB, scope: 'openid', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' };
    // Sign in (the trusted client's request takes the user through the sign-in page).
    await authorizeAs(agent, authorizePath({ response_type: 'code', client_id: 'printer', redirect_uri: TRUSTED_CB, scope: 'openid', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }), ALICE);
    expectErrorPage(await agent.request(authorizePath({ ...params, prompt: 'none' })), 'consent_required', EVIL_CB);
  });

  it('after the user signed in and decided, the answer goes back as before: Deny redirects access_denied, Allow a code', async () => {
    const clientId = await registerEvilClient();
    const { challenge } = pkce();
    const params = { response_type: 'code', client_id: clientId, redirect_uri: EVIL_CB, scope: 'openid', nonce: 'n', state: 's', code_challenge: challenge, code_challenge_method: 'S256' };
    const denied = await authorizeAs(new UserAgent(server.issuer), authorizePath(params), ALICE, 'deny');
    expect(`${denied.origin}${denied.pathname}`).toBe(EVIL_CB);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    const allowed = await authorizeAs(new UserAgent(server.issuer), authorizePath(params), ALICE);
    expect(allowed.searchParams.get('code')).not.toBeNull();
    expect(allowed.searchParams.get('state')).toBe('s');
  });

  it('a native app\'s private-use redirect URI is named by its scheme on the link', async () => {
    const response = await fetch(`${server.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application_type: 'native', redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none', client_name: 'App' }),
    });
    const { client_id: clientId } = await response.json() as { client_id: string };
    const page = await new UserAgent(server.issuer).request(authorizePath({ response_type: 'code', client_id: clientId, redirect_uri: 'com.example.app:/cb', scope: 'openid' }));
    expect([page.status, page.location]).toEqual([400, null]);
    expect(page.body).toContain('Return to com.example.app:</a>');
    expect(returnLink(page.body)).toMatch(/^com\.example\.app:\/cb\?error=invalid_request&/);
  });

  it('a Client ID Metadata Document client is self-registered too: its errors are shown, not redirected', async () => {
    const page = await new UserAgent(server.issuer).request(authorizePath({ response_type: 'code', client_id: cimdClientId, redirect_uri: EVIL_CB, scope: 'openid' }));
    expectErrorPage(page, 'invalid_request', EVIL_CB);
  });

  it('a client the administrator registered keeps the RFC 6749 §4.1.2.1 redirect', async () => {
    const page = await new UserAgent(server.issuer).request(authorizePath({ response_type: 'code', client_id: 'printer', redirect_uri: TRUSTED_CB, scope: 'openid', state: 'x' }));
    expect(page.status).toBe(303);
    const location = new URL(page.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(TRUSTED_CB);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('x');
  });
});

/** Signs ALICE in to a self-registered public client, code + PKCE, and returns the ID token and the agent. */
async function signInWith(clientId: string): Promise<{ agent: UserAgent; idToken: string }> {
  const agent = new UserAgent(server.issuer);
  const { verifier, challenge } = pkce();
  const callback = await authorizeAs(agent, authorizePath({
    response_type: 'code', client_id: clientId, redirect_uri: EVIL_CB, scope: 'openid', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
  }), ALICE);
  const response = await fetch(`${server.issuer}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') as string, redirect_uri: EVIL_CB, client_id: clientId, code_verifier: verifier }),
  });
  expect(response.status).toBe(200);
  return { agent, idToken: (await response.json() as { id_token: string }).id_token };
}

/** Whether the agent is still signed in: the account page sends a signed-out browser to /login. */
async function signedIn(agent: UserAgent): Promise<boolean> {
  return (await agent.request('/account')).status === 200;
}

describe('end_session for a self-registered client (RP-Initiated Logout 1.0 §3)', () => {
  it('the red team\'s request: nobody signed in, no id_token_hint: the signed-out page, no redirect', async () => {
    const clientId = await registerEvilClient();
    const response = await new UserAgent(server.issuer).request(`/end_session?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: EVIL_OUT, state: 'x' })}`);
    expect(response.status).toBe(200);
    expect(response.location).toBeNull();
    expect(response.body).toContain('You are signed out');
    expect(response.body).not.toContain('evil.example');
    // By POST too (handed on as a GET).
    const agent = new UserAgent(server.issuer);
    const posted = await agent.request('/end_session', { form: { client_id: clientId, post_logout_redirect_uri: EVIL_OUT } });
    const followed = await agent.request(posted.location as string);
    expect([followed.status, followed.location]).toEqual([200, null]);
  });

  it('a signed-in user who confirms is signed out, and shown the page rather than sent to the client', async () => {
    const clientId = await registerEvilClient();
    const { agent } = await signInWith(clientId);
    const page = await agent.request(`/end_session?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: EVIL_OUT, state: 'x' })}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/end_session/confirm"');
    // Nothing the answer does goes to the client: form-action does not name it.
    expect(page.headers.get('content-security-policy')).not.toContain('evil.example');
    const confirmed = await agent.request('/end_session/confirm', {
      form: { csrf_token: hiddenField(page.body, 'csrf_token'), client_id: clientId, post_logout_redirect_uri: EVIL_OUT, state: 'x', decision: 'logout' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.location).toBeNull();
    expect(confirmed.body).toContain('You are signed out');
    expect(await signedIn(agent)).toBe(false);
  });

  it('with a valid id_token_hint issued to that client, goes back to its registered URI with state', async () => {
    const clientId = await registerEvilClient();
    const { agent, idToken } = await signInWith(clientId);
    const response = await agent.request(`/end_session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: EVIL_OUT, state: 'x' })}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${EVIL_OUT}?state=x`);
    expect(await signedIn(agent)).toBe(false);
  });

  it('an ID token of another client vouches for nothing: refused, no redirect', async () => {
    const clientId = await registerEvilClient();
    const other = await registerEvilClient();
    const { agent, idToken } = await signInWith(other);
    const response = await agent.request(`/end_session?${new URLSearchParams({ id_token_hint: idToken, client_id: clientId, post_logout_redirect_uri: EVIL_OUT })}`);
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
  });

  it('a Client ID Metadata Document client without id_token_hint: the signed-out page, no redirect', async () => {
    // The document is fetched when the client is first used.
    await new UserAgent(server.issuer).request(authorizePath({ response_type: 'code', client_id: cimdClientId, redirect_uri: EVIL_CB, scope: 'openid' }));
    const response = await new UserAgent(server.issuer).request(`/end_session?${new URLSearchParams({ client_id: cimdClientId, post_logout_redirect_uri: EVIL_OUT, state: 'x' })}`);
    expect(response.status).toBe(200);
    expect(response.location).toBeNull();
    expect(response.body).toContain('You are signed out');
  });

  it('a Client ID Metadata Document client with its own ID token as id_token_hint goes back to the document\'s post_logout_redirect_uri', async () => {
    const { agent, idToken } = await signInWith(cimdClientId);
    const response = await agent.request(`/end_session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: EVIL_OUT, state: 'c' })}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${EVIL_OUT}?state=c`);
  });

  it('a client the administrator registered keeps returning without id_token_hint (its URI is the operator\'s confirmation)', async () => {
    const response = await new UserAgent(server.issuer).request(`/end_session?${new URLSearchParams({ client_id: 'printer', post_logout_redirect_uri: TRUSTED_OUT, state: 'x' })}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${TRUSTED_OUT}?state=x`);
  });
});
