import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, hiddenField, UserAgent } from '../helpers/user-agent.js';

// Security review finding 3: with remembered consent (and the any-port loopback rule) a local
// process could get a victim's tokens for a public client with no interaction. A client without
// a secret always gets the consent page (RFC 8252 §8.6, RFC 6749 §10.2), which names the host
// the user will be sent back to.

const ANN = { username: 'ann', password: 'ann-password' };
const SPA_CB = 'https://spa.example/cb';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'spa', client_name: 'Gallery', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: [SPA_CB], scope: 'read' },
      { client_id: 'legacy', client_name: 'Legacy', token_endpoint_auth_method: 'none', grant_types: ['implicit'], redirect_uris: ['https://legacy.example/cb'], scope: 'read' },
      { client_id: 'desktop', client_name: 'Desktop', application_type: 'native', client_secret: 'shipped-in-the-app', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1:5000/cb'], scope: 'read' },
      { client_id: 'web', client_name: 'Printer', client_secret: 'web-secret', grant_types: ['authorization_code'], redirect_uris: ['https://web.example/cb'], scope: 'read' },
    ],
    users: [ANN],
  });
});
afterAll(async () => server?.close());

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const codeRequest = (client: string, cb: string) => `/authorize?${new URLSearchParams({ response_type: 'code', client_id: client, redirect_uri: cb, code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`;

describe('consent for public clients', () => {
  it.each([
    ['spa', codeRequest('spa', SPA_CB)],
    ['legacy', `/authorize?${new URLSearchParams({ response_type: 'token', client_id: 'legacy', redirect_uri: 'https://legacy.example/cb' })}`],
  ])('%s: the page is shown again after the user allowed it once', async (_client, path) => {
    const agent = new UserAgent(server.issuer);
    const first = await authorizeAs(agent, path, ANN);
    expect(first.searchParams.get('error') ?? new URLSearchParams(first.hash.slice(1)).get('error')).toBeNull();
    const again = await agent.request(path);
    expect(again.status).toBe(200);
    expect(again.body).toContain('action="/consent"');
  });

  it('a native client with a secret (which an app cannot keep, RFC 8252 section 8.5) sees the page again too', async () => {
    const agent = new UserAgent(server.issuer);
    const path = codeRequest('desktop', 'http://127.0.0.1:7777/cb');
    await authorizeAs(agent, path, ANN);
    const again = await agent.request(path);
    expect(again.status).toBe(200);
    expect(again.body).toContain('action="/consent"');
  });

  it('a confidential client still skips a remembered consent', async () => {
    const agent = new UserAgent(server.issuer);
    const path = codeRequest('web', 'https://web.example/cb');
    await authorizeAs(agent, path, ANN);
    const again = await agent.request(path);
    expect(again.status).toBe(303);
  });

  it('the consent page names the host the browser goes back to', async () => {
    const agent = new UserAgent(server.issuer);
    let page = await agent.request(codeRequest('spa', SPA_CB));
    page = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...ANN } });
    const consent = await agent.request(page.location ?? '');
    expect(consent.body).toMatch(/sent back to <strong class="destination">spa\.example<\/strong>/);
  });
});
