import { describe, expect, it } from 'vitest';
import { clientFromMetadataDocument, InvalidMetadataDocument, metadataDocumentUrl } from '../../src/core/client-id-metadata-document.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';

const hashing = new SecretHashing(ServerSecrets.ephemeral());
const URL_ID = 'https://app.example.com/oauth/client.json';
const doc = { client_id: URL_ID, client_name: 'App', redirect_uris: ['https://app.example.com/cb'], scope: 'read' };
const POLICY = { scope: ['read', 'openid', 'offline_access'] };
const EC_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' };

describe('metadataDocumentUrl (draft-ietf-oauth-client-id-metadata-document section 3)', () => {
  it.each([URL_ID, 'https://app.example.com/c?x=1', 'https://app.example.com:8443/client'])('accepts %s', (id) => expect(metadataDocumentUrl(id, false)).toBeDefined());
  it.each([
    'http://app.example.com/client.json', 'https://app.example.com', 'https://app.example.com/', 'https://app.example.com/a/../client.json',
    'https://app.example.com/./client.json', 'https://app.example.com/client.json#frag', 'https://user:pw@app.example.com/client.json',
    'https://APP.example.com/client.json', 'https://app.example.com:443/client.json', 'http://127.0.0.1:8080/client.json', 'not a url',
  ])('refuses %s', (id) => expect(metadataDocumentUrl(id, false)).toBeUndefined());
  it('accepts http on loopback only for development', () => {
    expect(metadataDocumentUrl('http://127.0.0.1:8080/client.json', true)).toBeDefined();
    expect(metadataDocumentUrl('http://app.example.com/client.json', true)).toBeUndefined();
  });
});

describe('clientFromMetadataDocument', () => {
  it('makes a public client that never skips consent and is marked as from a document', () => {
    const client = clientFromMetadataDocument({ ...doc, skip_consent: true, logo_uri: 'https://app.example.com/logo.png' }, URL_ID, 1, hashing, POLICY);
    expect(client).toMatchObject({ clientId: URL_ID, clientName: 'App', tokenEndpointAuthMethod: 'none', secretHash: null, skipConsent: false, fromMetadataDocument: true, scope: ['read'] });
  });
  it('names the client by its host when the document has no client_name', () => {
    expect(clientFromMetadataDocument({ ...doc, client_name: undefined }, URL_ID, 1, hashing, POLICY).clientName).toBe('app.example.com');
  });
  it('cuts the scope down to the self-service policy, and gives all of it when the document names none', () => {
    expect(clientFromMetadataDocument({ ...doc, scope: 'read admin' }, URL_ID, 1, hashing, POLICY).scope).toEqual(['read']);
    expect(clientFromMetadataDocument({ ...doc, scope: undefined }, URL_ID, 1, hashing, POLICY).scope).toEqual(POLICY.scope);
  });
  it('accepts the redirect URIs a self-registered native client may have', () => {
    const client = clientFromMetadataDocument({ ...doc, application_type: 'native', redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]/cb', 'com.example.app:/cb', 'https://app.example.com/cb'] }, URL_ID, 1, hashing, POLICY);
    expect(client.redirectUris).toHaveLength(4);
  });
  it('accepts private_key_jwt with jwks', () => {
    expect(clientFromMetadataDocument({ ...doc, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_KEY] } }, URL_ID, 1, hashing, POLICY).tokenEndpointAuthMethod).toBe('private_key_jwt');
  });
  it.each([
    ['not an object', []],
    ['a client_id other than the URL', { ...doc, client_id: 'https://app.example.com/other.json' }],
    ['a client_secret', { ...doc, client_secret: 's' }],
    ['client_secret_basic', { ...doc, token_endpoint_auth_method: 'client_secret_basic' }],
    ['client_secret_jwt', { ...doc, token_endpoint_auth_method: 'client_secret_jwt' }],
    ['private_key_jwt without keys', { ...doc, token_endpoint_auth_method: 'private_key_jwt' }],
    ['client_credentials', { ...doc, grant_types: ['client_credentials'] }],
    ['no redirect_uris', { ...doc, redirect_uris: [] }],
    ['a javascript: redirect URI', { ...doc, redirect_uris: ['javascript:alert(1)'] }],
    ['a very long client_name', { ...doc, client_name: 'x'.repeat(101) }],
    ['a client_name with a bidi override', { ...doc, client_name: 'App \u202Eelpmaxe' }],
    ['a client_name with a bidi isolate', { ...doc, client_name: 'App \u2067x\u2069' }],
    ['a client_name with NUL', { ...doc, client_name: 'App\u0000' }],
    ['a client_name with a zero-width space', { ...doc, client_name: 'A\u200bpp' }],
    ['a blank client_name', { ...doc, client_name: '   ' }],
    ['an http redirect URI to a web host', { ...doc, redirect_uris: ['http://evil.example/cb'] }],
    ['an http redirect URI to a web host for a native client', { ...doc, application_type: 'native', redirect_uris: ['http://evil.example/cb'] }],
    ['an http loopback redirect URI for a web client', { ...doc, redirect_uris: ['http://127.0.0.1/cb'] }],
    ['a file: redirect URI', { ...doc, application_type: 'native', redirect_uris: ['file:///etc/passwd'] }],
    ['a vbscript: redirect URI', { ...doc, application_type: 'native', redirect_uris: ['vbscript:msgbox(1)'] }],
    ['a private-use scheme without a period', { ...doc, application_type: 'native', redirect_uris: ['myapp:/cb'] }],
    ['a redirect URI with credentials', { ...doc, redirect_uris: ['https://u:p@app.example.com/cb'] }],
    ['an http post_logout_redirect_uri to a web host', { ...doc, post_logout_redirect_uris: ['http://evil.example/bye'] }],
    ['a redirect URI that is not a string', { ...doc, redirect_uris: [42] }],
    ['an unknown application_type', { ...doc, application_type: 'desktop' }],
    ['only scopes outside the self-service policy', { ...doc, scope: 'admin write:everything' }],
    ['a scope that is not a string', { ...doc, scope: ['read'] }],
  ])('refuses %s', (_name, document) => {
    expect(() => clientFromMetadataDocument(document, URL_ID, 1, hashing, POLICY)).toThrow(InvalidMetadataDocument);
  });
});
