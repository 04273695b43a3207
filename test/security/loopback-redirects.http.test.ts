import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 4: the any-port rule of RFC 8252 §7.3 applied to every client. It is
// for native clients (application_type "native") using code + PKCE only, on 127.0.0.1, [::1] and
// localhost; web clients and the implicit grant get exact matching, port included.

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'cli', application_type: 'native', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]/cb', 'http://localhost/cb'], scope: 'read' },
      { client_id: 'webapp', client_secret: 'web-secret', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1:8080/cb'], scope: 'read' },
      { client_id: 'native-conf', application_type: 'native', client_secret: 'embedded-secret', grant_types: ['authorization_code'], redirect_uris: ['http://127.0.0.1:5000/cb'], scope: 'read' },
      { client_id: 'native-implicit', application_type: 'native', token_endpoint_auth_method: 'none', grant_types: ['implicit'], redirect_uris: ['http://127.0.0.1/cb'], scope: 'read' },
    ],
  });
});
afterAll(async () => server?.close());

async function authorize(params: Record<string, string>): Promise<{ status: number; location: string | null }> {
  const response = await fetch(`${server.issuer}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') };
}

describe('loopback redirect URIs', () => {
  it.each(['http://127.0.0.1:51234/cb', 'http://[::1]:51234/cb', 'http://localhost:51234/cb'])('a native client with code + PKCE may use any port: %s', async (redirect) => {
    const result = await authorize({ response_type: 'code', client_id: 'cli', redirect_uri: redirect, code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(result.status).toBe(200); // the sign-in page: the redirect URI was accepted
  });

  it('a native client with a secret gets the same rule', async () => {
    const loose = await authorize({ response_type: 'code', client_id: 'native-conf', redirect_uri: 'http://127.0.0.1:7777/cb' });
    expect(loose.status).toBe(400);
    const withPkce = await authorize({ response_type: 'code', client_id: 'native-conf', redirect_uri: 'http://127.0.0.1:7777/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(withPkce.status).toBe(200);
  });

  it('a native client without PKCE gets exact matching', async () => {
    const result = await authorize({ response_type: 'code', client_id: 'cli', redirect_uri: 'http://127.0.0.1:51234/cb' });
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
  });

  it('a web client on a loopback address gets exact matching, port included', async () => {
    const other = await authorize({ response_type: 'code', client_id: 'webapp', redirect_uri: 'http://127.0.0.1:9999/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(other.status).toBe(400);
    expect(other.location).toBeNull();
    const exact = await authorize({ response_type: 'code', client_id: 'webapp', redirect_uri: 'http://127.0.0.1:8080/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(exact.status).toBe(200);
  });

  it('the implicit grant gets exact matching even for a native client', async () => {
    const result = await authorize({ response_type: 'token', client_id: 'native-implicit', redirect_uri: 'http://127.0.0.1:51234/cb' });
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
  });

  it.each([
    ['an empty code_challenge', { code_challenge: '' }],
    ['a malformed code_challenge', { code_challenge: 'bad' }],
    ['no code_challenge_method', { code_challenge: CHALLENGE, code_challenge_method: '' }],
    ['the plain method', { code_challenge: CHALLENGE, code_challenge_method: 'plain' }],
  ])('%s is not PKCE: another port gets the error page, never a redirect there', async (_label, pkce) => {
    const result = await authorize({ response_type: 'code', client_id: 'cli', redirect_uri: 'http://127.0.0.1:6666/cb', code_challenge_method: 'S256', ...pkce });
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
  });

  it('the path must still match exactly', async () => {
    const result = await authorize({ response_type: 'code', client_id: 'cli', redirect_uri: 'http://127.0.0.1:51234/other', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(result.status).toBe(400);
  });
});
