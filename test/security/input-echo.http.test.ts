import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadata, InvalidClientMetadata } from '../../src/core/client-metadata.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { hiddenField, UserAgent } from '../helpers/user-agent.js';

// Security review finding 13: error_description echoed attacker-chosen text into the client's
// redirect, with characters RFC 6749 §4.1.2.1/§5.2 forbid; state outside VSCHAR was accepted;
// non-ASCII redirect URIs registered and then answered 500; a NUL in the sign-in form gave 500.

const CB = 'https://client.example/cb';
// RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E )
const NQSCHAR = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;
const MARKER = 'EVIL<script>"§\u00e9';
const HOSTILE = [MARKER, `${MARKER}${'x'.repeat(300)}`, 'a b', '"', '\\', '\u2028', 'ünïcödé', '%00'];

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [
      { client_id: 'web', client_secret: 'web-secret', grant_types: ['authorization_code', 'client_credentials', 'refresh_token', 'password'], redirect_uris: [CB], scope: 'read' },
      { client_id: 'legacy', token_endpoint_auth_method: 'none', grant_types: ['implicit'], redirect_uris: [CB], scope: 'read' },
    ],
    users: [{ username: 'ann', password: 'ann-password' }],
  });
});
afterAll(async () => server?.close());

function expectFixedDescription(description: unknown, input: string): void {
  expect(typeof description).toBe('string');
  expect(description as string).toMatch(NQSCHAR);
  if (input.length >= 3) expect(description as string).not.toContain(input);
  expect(description as string).not.toContain('EVIL');
}

describe('error descriptions are fixed ASCII and never echo input', () => {
  const tokenCases = (value: string): Record<string, string>[] => [
    { grant_type: value },
    { grant_type: 'client_credentials', scope: value },
    { grant_type: 'client_credentials', resource: value },
    { grant_type: 'client_credentials', resource: `https://api.example/${value}` },
    { grant_type: 'authorization_code', code: value, redirect_uri: value, code_verifier: value },
    { grant_type: 'refresh_token', refresh_token: value, scope: value },
    { grant_type: 'password', username: value, password: value, scope: value },
  ];

  it.each(HOSTILE)('at the token endpoint for %j', async (value) => {
    for (const params of tokenCases(value)) {
      const response = await postForm(`${server.issuer}/token`, new URLSearchParams(params).toString(), { authorization: basic('web', 'web-secret') });
      expect(response.status, JSON.stringify(params)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expectFixedDescription(response.json.error_description, value);
    }
    const repeated = await postForm(`${server.issuer}/token`, `grant_type=client_credentials&${encodeURIComponent(value)}=1&${encodeURIComponent(value)}=2`, { authorization: basic('web', 'web-secret') });
    expectFixedDescription(repeated.json.error_description, value);
  });

  it.each(HOSTILE)('in authorization error redirects for %j', async (value) => {
    for (const [client, extra] of [['web', { response_type: value }], ['web', { response_type: 'code', scope: value }], ['web', { response_type: 'code', resource: value }],
      ['web', { response_type: 'code', code_challenge: value, code_challenge_method: 'S256' }], ['web', { response_type: 'code', code_challenge_method: value, code_challenge: 'x'.repeat(43) }],
      ['legacy', { response_type: 'token', response_mode: value }], ['web', { response_type: 'code', [value]: 'x', prompt: 'x&prompt=y' }]] as const) {
      const url = new URL(`${server.issuer}/authorize`);
      url.search = new URLSearchParams({ client_id: client, redirect_uri: CB, ...extra }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status !== 303) continue; // asks the user to sign in: nothing to echo
      const location = new URL(response.headers.get('location') ?? '');
      const params = new URLSearchParams(location.search !== '' ? location.search.slice(1) : location.hash.slice(1));
      expectFixedDescription(params.get('error_description'), value);
    }
  });

  it('does not echo the path of an unknown endpoint', async () => {
    const response = await fetch(`${server.issuer}/EVIL%3Cscript%3E`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/EVIL|<script/);
  });
});

describe('state outside VSCHAR (RFC 6749 appendix A.5)', () => {
  it.each(['caf\u00e9', 'tab\there', 'nul\u0000'])('is refused with invalid_request and not sent back: %j', async (state) => {
    const url = new URL(`${server.issuer}/authorize`);
    url.search = new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', state }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBeNull();
  });
});

describe('redirect URIs that are not ASCII', () => {
  it.each(['https://bücher.example/cb', 'https://client.example/caf\u00e9', 'https://client.example/a b'])('are refused at registration, saying to use punycode: %s', (uri) => {
    expect(() => clientFromMetadata({ client_id: 'x', client_secret: 's', redirect_uris: [uri] }, 0, server.hashing)).toThrow(InvalidClientMetadata);
    expect(() => clientFromMetadata({ client_id: 'x', client_secret: 's', redirect_uris: [uri] }, 0, server.hashing)).toThrow(/punycode/);
  });
});

describe('control characters in the sign-in and consent forms', () => {
  it.each(['ann\u0000', 'ann\u0007', 'ann\r\n'])('answer 400 with a page, never 500: username %j', async (username) => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request('/login');
    const response = await agent.request('/login', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: '/', username, password: 'ann-password' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('a NUL in the consent form is refused the same way', async () => {
    const agent = new UserAgent(server.issuer);
    const page = await agent.request('/login');
    const response = await agent.request('/consent', { form: { csrf_token: hiddenField(page.body, 'csrf_token'), request: 'client_id=web', decision: 'allow\u0000' } });
    expect(response.status).toBe(400);
  });
});
