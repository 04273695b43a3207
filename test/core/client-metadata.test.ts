import { describe, expect, it } from 'vitest';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { legacySha256, SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';

const hashing = new SecretHashing(ServerSecrets.ephemeral());

const EC_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' };
const ok = { client_id: 'app', client_secret: 's', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://app.example/cb'], scope: 'read' };

describe('client registration (RFC 7591 metadata)', () => {
  it('stores only the hash of the secret and derives response types', () => {
    const client = clientFromMetadata(ok, 1, hashing);
    expect(client.secretHash).toBe(hashing.clientSecrets.hash('s'));
    expect(client.secretHash).not.toBe(legacySha256('s'));
    expect(JSON.stringify(client)).not.toContain('"s"');
    expect(client.responseTypes).toEqual(['code']);
    expect(client.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });
  it('registers a private_key_jwt client with inline jwks or a jwks_uri, and no secret', () => {
    const inline = clientFromMetadata({ ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_KEY] } }, 1, hashing);
    expect(inline).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', secretHash: null, jwks: { keys: [EC_KEY] } });
    const remote = clientFromMetadata({ ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }, 1, hashing);
    expect(remote).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example/jwks' });
  });
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown grant type', { ...ok, grant_types: ['magic'] }, /unknown grant type "magic"/],
    ['a relative redirect URI', { ...ok, redirect_uris: ['/cb'] }, /absolute URI/],
    ['a redirect URI with a fragment', { ...ok, redirect_uris: ['https://a.example/cb#x'] }, /fragment/],
    ['a public client with a secret', { ...ok, token_endpoint_auth_method: 'none' }, /must not have a client_secret/],
    ['a confidential client without a secret', { ...ok, client_secret: undefined }, /needs a client_secret/],
    ['a public client_credentials client', { client_id: 'p', token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }, /public client cannot/],
    ['a code client without redirect URIs', { client_id: 'c', client_secret: 's' }, /redirect_uris is required/],
    ['inconsistent response types', { ...ok, response_types: ['token'] }, /goes with/],
    ['an unknown field', { ...ok, colour: 'red' }, /unknown field "colour"/],
    ['an unknown auth method', { ...ok, token_endpoint_auth_method: 'tls_client_auth' }, /token_endpoint_auth_method/],
    ['a private_key_jwt client with a secret', { ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_KEY] } }, /must not have a client_secret/],
    ['a private_key_jwt client without keys', { ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt' }, /needs jwks or jwks_uri/],
    ['both jwks and jwks_uri', { ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_KEY] }, jwks_uri: 'https://app.example/jwks' }, /not both/],
    ['a private key in jwks', { ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...EC_KEY, d: 'secret' }] } }, /public keys only/],
    ['a symmetric key in jwks', { ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'abc' }] } }, /RSA, EC or OKP/],
    ['an http jwks_uri', { ...ok, client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example/jwks' }, /https/],
    ['jwks for a secret client', { ...ok, jwks: { keys: [EC_KEY] } }, /for token_endpoint_auth_method private_key_jwt/],
  ];
  for (const [name, metadata, message] of bad) {
    it(`refuses ${name}`, () => expect(() => clientFromMetadata(metadata, 1, hashing)).toThrow(message));
  }
});
