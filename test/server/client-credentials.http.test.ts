import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, discover, insecure, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const SERVICE = { client_id: 'inventory', client_secret: 'inventory secret/with:odd+chars', grant_types: ['client_credentials'], scope: 'read write', resources: ['https://api.example.com'] };
const POSTER = { client_id: 'poster', client_secret: 'poster-secret', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'client_secret_post' };
const OTHER = { client_id: 'other', client_secret: 'other-secret', grant_types: ['client_credentials'], scope: 'read' };
const WEB = { client_id: 'web', client_secret: 'web-secret', grant_types: ['authorization_code'], redirect_uris: ['https://app.example.com/cb'], scope: 'read' };

let server: RunningServer;
let as: oauth.AuthorizationServer;
let tokenUrl: string;

beforeAll(async () => {
  // OTHER plays the API: it may introspect the tokens meant for it (RFC 7662 §4).
  server = await startServer({ clients: [SERVICE, POSTER, OTHER, WEB], resources: [{ resource: 'https://api.example.com', introspection_clients: ['other'] }] });
  as = await discover(server.issuer);
  tokenUrl = `${server.issuer}/token`;
});
afterAll(async () => server.close());

async function clientCredentials(client: { client_id: string; client_secret: string }, params: Record<string, string> = {}, auth = oauth.ClientSecretBasic(client.client_secret)) {
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: client.client_id }, auth, params, insecure);
  return oauth.processClientCredentialsResponse(as, { client_id: client.client_id }, response);
}

describe('discovery', () => {
  it('serves RFC 8414 metadata at both well-known locations', async () => {
    expect(as.issuer).toBe(server.issuer);
    expect(as.token_endpoint).toBe(`${server.issuer}/token`);
    expect(as.grant_types_supported).toContain('client_credentials');
    const oidc = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
    expect(oidc).toEqual(await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json());
  });

  it('publishes only public keys: one of each algorithm (ES256, RS256, EdDSA)', async () => {
    const jwks = (await (await fetch(as.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    const shapes: Record<string, Record<string, unknown>> = { ES256: { kty: 'EC', crv: 'P-256' }, RS256: { kty: 'RSA' }, EdDSA: { kty: 'OKP', crv: 'Ed25519' } };
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ ...shapes[key.alg as string], use: 'sig' });
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
      expect(typeof key.kid).toBe('string');
    }
  });
});

describe('client_credentials', () => {
  it('issues an RFC 9068 JWT that oauth4webapi validates against the JWKS', async () => {
    const result = await clientCredentials(SERVICE, { scope: 'read' });
    expect(result.token_type).toBe('bearer');
    expect(result.scope).toBe('read');
    expect(result.refresh_token).toBeUndefined();
    const request = new Request('http://127.0.0.1/resource', { headers: { authorization: `Bearer ${result.access_token}` } });
    // No resource asked for: the client's first registered resource is the audience.
    const claims = await oauth.validateJwtAccessToken(as, request, 'https://api.example.com', insecure);
    expect(claims).toMatchObject({ iss: server.issuer, sub: 'inventory', client_id: 'inventory', aud: 'https://api.example.com', scope: 'read' });
    const header = JSON.parse(Buffer.from(result.access_token.split('.')[0] as string, 'base64url').toString());
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(typeof header.kid).toBe('string');
  });

  it('grants the registered scope when none is asked for', async () => {
    expect((await clientCredentials(SERVICE)).scope).toBe('read write');
  });

  it('takes client_secret_post for a client registered for it', async () => {
    const result = await clientCredentials(POSTER, {}, oauth.ClientSecretPost(POSTER.client_secret));
    expect(result.scope).toBe('read');
  });

  it('sets the audience from an allowed RFC 8707 resource', async () => {
    const result = await clientCredentials(SERVICE, { resource: 'https://api.example.com' });
    const request = new Request('http://127.0.0.1/r', { headers: { authorization: `Bearer ${result.access_token}` } });
    expect((await oauth.validateJwtAccessToken(as, request, 'https://api.example.com', insecure)).aud).toBe('https://api.example.com');
  });

  it('answers with Cache-Control: no-store', async () => {
    const response = await postForm(tokenUrl, 'grant_type=client_credentials', { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
  });
});

describe('token endpoint errors (RFC 6749 §5.2)', () => {
  const auth = () => ({ authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
  const cases: [string, string, Record<string, string>, number, string][] = [
    ['a wrong secret with Basic', 'grant_type=client_credentials', { authorization: basic('inventory', 'nope') }, 401, 'invalid_client'],
    ['an unknown client', 'grant_type=client_credentials', { authorization: basic('ghost', 'x') }, 401, 'invalid_client'],
    ['no client authentication', 'grant_type=client_credentials', {}, 401, 'invalid_client'],
    ['a garbled Basic header', 'grant_type=client_credentials', { authorization: 'Basic !!!' }, 401, 'invalid_client'],
    ['the wrong registered method', 'grant_type=client_credentials&client_id=inventory&client_secret=inventory%20secret%2Fwith%3Aodd%2Bchars', {}, 401, 'invalid_client'],
    ['a missing grant_type', 'scope=read', {}, 400, 'invalid_request'],
    ['an unknown grant_type', 'grant_type=urn:example:magic', {}, 400, 'unsupported_grant_type'],
    ['a scope the client may not have', 'grant_type=client_credentials&scope=admin', {}, 400, 'invalid_scope'],
    ['a malformed scope', 'grant_type=client_credentials&scope=%22read%22', {}, 400, 'invalid_scope'],
    ['a repeated parameter', 'grant_type=client_credentials&scope=read&scope=write', {}, 400, 'invalid_request'],
    ['a resource the client may not ask for', 'grant_type=client_credentials&resource=https%3A%2F%2Fevil.example', {}, 400, 'invalid_target'],
    ['a resource with a fragment', 'grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com%23x', {}, 400, 'invalid_target'],
  ];
  for (const [name, body, headers, status, error] of cases) {
    it(`answers ${status} ${error} to ${name}`, async () => {
      const response = await postForm(tokenUrl, body, Object.keys(headers).length > 0 || status === 401 ? headers : auth());
      expect(response.status).toBe(status);
      expect(response.json.error).toBe(error);
      expect(typeof response.json.error_description).toBe('string');
      expect(response.json).not.toHaveProperty('access_token');
    });
  }

  it('challenges with WWW-Authenticate when Basic authentication fails', async () => {
    const response = await postForm(tokenUrl, 'grant_type=client_credentials', { authorization: basic('inventory', 'nope') });
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses Basic and client_secret_post in one request', async () => {
    const response = await postForm(tokenUrl, 'grant_type=client_credentials&client_secret=x', auth());
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_request');
  });

  it('refuses a grant the client is not registered for with unauthorized_client', async () => {
    const response = await postForm(tokenUrl, 'grant_type=client_credentials', { authorization: basic(WEB.client_id, WEB.client_secret) });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('unauthorized_client');
  });

  it('refuses bodies that are not form-encoded, too large or garbage, never with a 5xx', async () => {
    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe('invalid_request');
    const large = await postForm(tokenUrl, `grant_type=client_credentials&pad=${'x'.repeat(200_000)}`, auth());
    expect(large.status).toBe(413);
    expect(large.json.error).toBe('invalid_request');
    for (const body of ['%', '&&&=', 'grant_type=%E0%A4%A', '\u0000\u0001', 'a'.repeat(60_000)]) {
      const response = await postForm(tokenUrl, body, auth());
      expect(response.status).toBeLessThan(500);
      expect(typeof response.json.error).toBe('string');
    }
    const xml = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    expect(xml.status).toBe(400);
  });
});

describe('introspection and revocation', () => {
  const introspect = async (token: string, client: { client_id: string; client_secret: string } = SERVICE) =>
    oauth.processIntrospectionResponse(as, { client_id: client.client_id },
      await oauth.introspectionRequest(as, { client_id: client.client_id }, oauth.ClientSecretBasic(client.client_secret), token, insecure));

  it('says active for a live token, inactive after revocation', async () => {
    const { access_token } = await clientCredentials(SERVICE, { scope: 'read' });
    const active = await introspect(access_token);
    expect(active).toMatchObject({ active: true, client_id: 'inventory', scope: 'read', sub: 'inventory', token_type: 'Bearer', iss: server.issuer });
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, { client_id: SERVICE.client_id }, oauth.ClientSecretBasic(SERVICE.client_secret), access_token, insecure));
    expect(await introspect(access_token)).toEqual({ active: false });
  });

  it("lets the introspection client of the token's audience introspect it, and no other client", async () => {
    const { access_token } = await clientCredentials(SERVICE);
    expect(await introspect(access_token, OTHER)).toMatchObject({ active: true, client_id: 'inventory', aud: 'https://api.example.com' });
    expect(await introspect(access_token, WEB)).toEqual({ active: false });
  });

  it('says inactive for an expired token and for garbage', async () => {
    const { access_token } = await clientCredentials(SERVICE);
    server.clock.advance(server.config.settings.accessTokenTtl + 1);
    try {
      expect(await introspect(access_token)).toEqual({ active: false });
    } finally {
      server.clock.advance(-(server.config.settings.accessTokenTtl + 1));
    }
    expect(await introspect('not-a-token')).toEqual({ active: false });
  });

  it('answers 200 to revoking an unknown token (RFC 7009 §2.2)', async () => {
    const response = await postForm(`${server.issuer}/revoke`, 'token=garbage', { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
    expect(response.status).toBe(200);
  });

  it('refuses to revoke another client\'s token and leaves it active', async () => {
    const { access_token } = await clientCredentials(SERVICE);
    const response = await postForm(`${server.issuer}/revoke`, `token=${access_token}`, { authorization: basic(OTHER.client_id, OTHER.client_secret) });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('unauthorized_client');
    expect((await introspect(access_token)).active).toBe(true);
  });

  it('requires client authentication and a token parameter', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const anonymous = await postForm(`${server.issuer}${path}`, 'token=x');
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.error).toBe('invalid_client');
      const missing = await postForm(`${server.issuer}${path}`, '', { authorization: basic(SERVICE.client_id, SERVICE.client_secret) });
      expect(missing.status).toBe(400);
      expect(missing.json.error).toBe('invalid_request');
    }
  });
});
