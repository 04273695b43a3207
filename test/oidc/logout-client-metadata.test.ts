import { describe, expect, it } from 'vitest';
import { clientFromMetadata, clientToMetadata, InvalidClientMetadata } from '../../src/core/client-metadata.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';

const hashing = new SecretHashing(ServerSecrets.ephemeral());
const base = { client_id: 'rp', client_secret: 's', redirect_uris: ['https://rp.example/cb'], scope: 'openid' };

describe('logout client metadata (RP-Initiated Logout 1.0 §3.1, Back-Channel Logout 1.0 §2.2)', () => {
  it('keeps post_logout_redirect_uris and the back-channel settings, and shows them', () => {
    const client = clientFromMetadata({
      ...base, post_logout_redirect_uris: ['https://rp.example/out'], backchannel_logout_uri: 'https://rp.example/bc?x=1',
      backchannel_logout_session_required: true,
    }, 0, hashing);
    expect(client).toMatchObject({ postLogoutRedirectUris: ['https://rp.example/out'], backchannelLogoutUri: 'https://rp.example/bc?x=1', backchannelLogoutSessionRequired: true });
    expect(clientToMetadata(client)).toMatchObject({ post_logout_redirect_uris: ['https://rp.example/out'], backchannel_logout_uri: 'https://rp.example/bc?x=1', backchannel_logout_session_required: true });
    const bare = clientFromMetadata(base, 0, hashing);
    expect(clientToMetadata(bare)).toMatchObject({ post_logout_redirect_uris: [], backchannel_logout_session_required: false });
    expect(clientToMetadata(bare)).not.toHaveProperty('backchannel_logout_uri');
  });

  it.each(['http://127.0.0.1:8080/bc', 'http://localhost/bc', 'http://[::1]:9/bc', 'https://rp.example/bc'])('accepts backchannel_logout_uri %s', (uri) => {
    expect(clientFromMetadata({ ...base, backchannel_logout_uri: uri }, 0, hashing).backchannelLogoutUri).toBe(uri);
  });

  it.each([
    ['http://rp.example/bc', /must use https/],
    ['http://127.0.0.2.example/bc', /must use https/],
    ['https://rp.example/bc#frag', /fragment/],
    ['https://user:pw@rp.example/bc', /credentials/],
    ['ftp://rp.example/bc', /must use https/],
    ['/relative', /absolute URI/],
  ])('refuses backchannel_logout_uri %s', (uri, message) => {
    expect(() => clientFromMetadata({ ...base, backchannel_logout_uri: uri }, 0, hashing)).toThrow(message);
  });

  it('refuses post_logout_redirect_uris with a fragment or a forbidden scheme, and a non-boolean session_required', () => {
    expect(() => clientFromMetadata({ ...base, post_logout_redirect_uris: ['https://rp.example/out#x'] }, 0, hashing)).toThrow(InvalidClientMetadata);
    expect(() => clientFromMetadata({ ...base, post_logout_redirect_uris: ['javascript:alert(1)'] }, 0, hashing)).toThrow(/forbidden scheme/);
    expect(() => clientFromMetadata({ ...base, post_logout_redirect_uris: 'https://rp.example/out' }, 0, hashing)).toThrow(/array of strings/);
    expect(() => clientFromMetadata({ ...base, backchannel_logout_session_required: 'yes' }, 0, hashing)).toThrow(/true or false/);
  });
});
