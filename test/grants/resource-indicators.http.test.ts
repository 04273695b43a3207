import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

/**
 * RFC 8707 resource indicators across the whole grant, against the registry of APIs: each API's
 * scope is its own; the access token's aud is the one resource; a resource the client may not
 * use is invalid_target at the authorization endpoint (as an error redirect, §2 + RFC 6749
 * §4.1.2.1) and at the token endpoint; a `resource` at /authorize binds the code, which the
 * token request may repeat (or leave out) but not change (§2.2); a refresh may name the resource
 * originally granted, and no other.
 *
 * Tessera issues one audience per access token, so an authorization request names one resource
 * (two are invalid_target): "narrowing" at the token endpoint is then to that same resource.
 */

const CB = 'https://app.example/cb';
const MAIL = 'https://mail.example/api';
const FILES = 'https://files.example/api';
const PAYROLL = 'https://payroll.example/api';
const APP = {
  client_id: 'app', client_secret: 'app-secret', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  redirect_uris: [CB], scope: 'mail:read mail:send files:read', resources: [MAIL, FILES],
};
const USER = { username: 'ann', password: 'ann-password' };
const auth = { authorization: basic('app', 'app-secret') };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    clients: [APP],
    users: [USER],
    resources: [
      { resource: MAIL, scope: 'mail:read mail:send' },
      { resource: FILES, scope: 'files:read' },
      // Registered at the server, but not one of the client's resources.
      { resource: PAYROLL, scope: 'mail:read' },
    ],
  });
});
afterAll(async () => server?.close());

function payload(jwt: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

function authorizeUrl(params: Record<string, string>, resources: string[]): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB, state: 's1', ...params });
  for (const resource of resources) query.append('resource', resource);
  return `/authorize?${query}`;
}

async function codeFor(resources: string[], scope?: string): Promise<string> {
  const back = await authorizeAs(new UserAgent(server.issuer), authorizeUrl(scope === undefined ? {} : { scope }, resources), USER);
  const code = back.searchParams.get('code');
  if (code === null) throw new Error(`no code: ${back.href}`);
  return code;
}

async function redeem(code: string, resource?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB });
  if (resource !== undefined) body.set('resource', resource);
  return postForm(`${server.issuer}/token`, body.toString(), auth);
}

describe('at the authorization endpoint (RFC 8707 §2.1)', () => {
  it.each([
    ['a resource not registered for the client', [PAYROLL]],
    ['an unknown resource', ['https://unknown.example/api']],
    ['a resource with a fragment', [`${MAIL}#frag`]],
    ['a relative resource', ['/api']],
    ['two resources (one audience per token)', [MAIL, FILES]],
  ])('refuses %s with an invalid_target redirect to the client', async (_name, resources) => {
    const response = await new UserAgent(server.issuer).request(authorizeUrl({}, resources));
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    const location = new URL(response.location ?? '');
    expect(location.origin + location.pathname).toBe(CB);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('iss')).toBe(server.issuer);
  });

  it("refuses a scope that belongs to another resource with invalid_scope", async () => {
    const response = await new UserAgent(server.issuer).request(authorizeUrl({ scope: 'mail:read' }, [FILES]));
    expect(new URL(response.location ?? '').searchParams.get('error')).toBe('invalid_scope');
  });
});

describe('the code is bound to the resource of the authorization request (RFC 8707 §2.2)', () => {
  it("gives a token for that resource, with that resource's scope only, when the token request repeats it", async () => {
    const tokens = await redeem(await codeFor([FILES]), FILES);
    expect(tokens.status).toBe(200);
    // No scope asked for: what the client may have and the files API defines.
    expect(tokens.json.scope).toBe('files:read');
    expect(payload(tokens.json.access_token)).toMatchObject({ aud: FILES, scope: 'files:read' });
  });

  it("gives the same when the token request leaves the resource out (not the client's first resource)", async () => {
    const tokens = await redeem(await codeFor([FILES]));
    expect(tokens.status).toBe(200);
    expect(payload(tokens.json.access_token).aud).toBe(FILES);
  });

  it('refuses another resource, even one the client may use, without burning the code', async () => {
    const code = await codeFor([MAIL], 'mail:send');
    for (const other of [FILES, PAYROLL, `${MAIL}/other`]) {
      const refused = await redeem(code, other);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toBe('invalid_target');
    }
    const two = await postForm(`${server.issuer}/token`,
      `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(CB)}&resource=${encodeURIComponent(MAIL)}&resource=${encodeURIComponent(FILES)}`, auth);
    expect(two.json.error).toBe('invalid_target');
    const tokens = await redeem(code, MAIL);
    expect(tokens.status).toBe(200);
    expect(payload(tokens.json.access_token)).toMatchObject({ aud: MAIL, scope: 'mail:send' });
  });
});

describe('refresh (RFC 8707 §2.2)', () => {
  it('may name the resource originally granted, and narrow the scope there; no other resource', async () => {
    const first = await redeem(await codeFor([MAIL], 'mail:read mail:send'), MAIL);
    const refreshToken = String(first.json.refresh_token);
    for (const other of [FILES, PAYROLL]) {
      const refused = await postForm(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, resource: other }).toString(), auth);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toBe('invalid_target');
    }
    const narrowed = await postForm(`${server.issuer}/token`, new URLSearchParams({
      grant_type: 'refresh_token', refresh_token: refreshToken, resource: MAIL, scope: 'mail:read',
    }).toString(), auth);
    expect(narrowed.status).toBe(200);
    expect(payload(narrowed.json.access_token)).toMatchObject({ aud: MAIL, scope: 'mail:read' });
  });
});

describe('client_credentials', () => {
  it('refuses a registered API the client may not use, and a scope that belongs to another API', async () => {
    const payroll = await postForm(`${server.issuer}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(PAYROLL)}`, auth);
    expect(payroll.json.error).toBe('invalid_target');
    const wrongScope = await postForm(`${server.issuer}/token`, `grant_type=client_credentials&scope=files:read&resource=${encodeURIComponent(MAIL)}`, auth);
    expect(wrongScope.json.error).toBe('invalid_scope');
    const right = await postForm(`${server.issuer}/token`, `grant_type=client_credentials&resource=${encodeURIComponent(FILES)}`, auth);
    expect(payload(right.json.access_token)).toMatchObject({ aud: FILES, scope: 'files:read' });
  });
});
