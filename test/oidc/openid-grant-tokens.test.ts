import { describe, expect, it } from 'vitest';
import { issuesRefreshToken, openIdAccessTokenClaims } from '../../src/oidc/openid-grant-tokens.js';
import type { Client, OpenIdGrantRecord } from '../../src/store/types.js';

const client = (grantTypes: string[]): Client => ({
  clientId: 'rp', clientName: 'RP', secretHash: 'h', redirectUris: ['https://rp.example/cb'], grantTypes, responseTypes: ['code'],
  scope: ['openid', 'offline_access'], tokenEndpointAuthMethod: 'client_secret_basic', resources: [], skipConsent: false, applicationType: 'web', createdAt: 0,
});
const grant = (claimsRequest: Record<string, unknown> | null = null): OpenIdGrantRecord => ({
  familyId: 'f', clientId: 'rp', userId: 'u', nonce: null, authTime: 0, sid: null, amr: ['pwd'], claimsRequest, expiresAt: 1,
});

describe('refresh tokens of OpenID grants (OpenID Connect Core 11)', () => {
  it('an OpenID grant gets one only with offline_access, and only for a client allowed refresh_token', () => {
    const withRefresh = client(['authorization_code', 'refresh_token']);
    expect(issuesRefreshToken(withRefresh, ['openid'], grant())).toBe(false);
    expect(issuesRefreshToken(withRefresh, ['openid', 'offline_access'], grant())).toBe(true);
    expect(issuesRefreshToken(client(['authorization_code']), ['openid', 'offline_access'], grant())).toBe(false);
  });

  it('a plain OAuth 2 grant keeps today\'s rule, even with openid in a default scope', () => {
    const withRefresh = client(['authorization_code', 'refresh_token']);
    expect(issuesRefreshToken(withRefresh, ['read'], undefined)).toBe(true);
    expect(issuesRefreshToken(withRefresh, ['openid', 'read'], undefined)).toBe(true);
    expect(issuesRefreshToken(client(['authorization_code']), ['read'], undefined)).toBe(false);
  });
});

describe('the access token\'s userinfo_claims', () => {
  it('names the claims of the claims parameter\'s userinfo member, and is absent otherwise', () => {
    expect(openIdAccessTokenClaims(undefined)).toBeUndefined();
    expect(openIdAccessTokenClaims(grant())).toBeUndefined();
    expect(openIdAccessTokenClaims(grant({ userinfo: {}, id_token: { email: { essential: true } } }))).toBeUndefined();
    expect(openIdAccessTokenClaims(grant({ userinfo: { phone_number: { essential: false } }, id_token: {} }))).toEqual({ userinfo_claims: ['phone_number'] });
  });
});
