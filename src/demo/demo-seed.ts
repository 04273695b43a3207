import { clientFromMetadata } from '../core/client-metadata.js';
import { resourceServerFromMetadata } from '../core/resource-metadata.js';
import type { Seed, SeedUser } from '../admin/seed.js';
import type { DemoUrls } from './demo-urls.js';
import type { SecretHashing } from '../core/secret-hash.js';

/** The demo's users. Their passwords are printed at start and documented: this is demo data only. */
export const DEMO_USERS: readonly SeedUser[] = [
  // OpenID Connect claims (Core §5.1), released at UserInfo by the profile and email scopes.
  { username: 'alice', password: 'wonderland', claims: { name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', preferred_username: 'alice', email: 'alice@wonderland.example', email_verified: true } },
  { username: 'bob', password: 'builder', claims: { name: 'Bob Builder', given_name: 'Bob', family_name: 'Builder', preferred_username: 'bob', email: 'bob@builder.example', email_verified: false } },
];

/** A client of the playground, as the Client app knows it (it holds the secret, as a real client would). */
export interface PlaygroundClient {
  clientId: string;
  clientName: string;
  /** Null for a public client (the single-page app). */
  clientSecret: string | null;
}

/** One client per grant, so that each page shows exactly one grant's registration. */
export const PLAYGROUND_CLIENTS = {
  authorizationCode: { clientId: 'playground-web', clientName: 'Photo Printer', clientSecret: 'playground-web-secret' },
  implicit: { clientId: 'playground-spa', clientName: 'Gallery SPA', clientSecret: null },
  password: { clientId: 'playground-intranet', clientName: 'Company Intranet', clientSecret: 'playground-intranet-secret' },
  clientCredentials: { clientId: 'playground-service', clientName: 'Nightly Backup Service', clientSecret: 'playground-service-secret' },
  refreshToken: { clientId: 'playground-frame', clientName: 'Photo Frame', clientSecret: 'playground-frame-secret' },
  openIdConnect: { clientId: 'playground-oidc', clientName: 'Guestbook', clientSecret: 'playground-oidc-secret' },
  /** The Break it page's web client: codes, refresh tokens, and what an attacker would try with them. */
  breakIt: { clientId: 'playground-lab', clientName: 'Break-it Lab', clientSecret: 'playground-lab-secret' },
  /** The Break it page's service: short-lived tokens for the Resource Server's checks (audience, scope, expiry). */
  breakItService: { clientId: 'playground-lab-service', clientName: 'Break-it Lab Service', clientSecret: 'playground-lab-service-secret' },
} as const satisfies Record<string, PlaygroundClient>;

/** The redirect URIs of the playground's pages: exact strings, as RFC 9700 §4.1.3 wants them compared. */
export function playgroundRedirectUris(urls: DemoUrls) {
  return {
    authorizationCode: `${urls.client}/authorization-code/callback`,
    implicit: `${urls.client}/implicit/callback`,
    refreshToken: `${urls.client}/refresh-token/callback`,
    openIdConnect: `${urls.client}/openid-connect/callback`,
    /** Where logout returns (RP-Initiated Logout 1.0 post_logout_redirect_uri). */
    openIdConnectLoggedOut: `${urls.client}/openid-connect/logged-out`,
    /** Where the Auth Server POSTs logout tokens (Back-Channel Logout 1.0 backchannel_logout_uri). */
    openIdConnectBackChannel: `${urls.client}/openid-connect/backchannel-logout`,
    breakIt: `${urls.client}/break-it/callback`,
  };
}

/**
 * Whether the playground can take back-channel logouts: the Auth Server sends them over http only to
 * a loopback host (docs/SECURITY.md), which the demo is unless --host names another.
 */
export function backChannelLogoutPossible(urls: DemoUrls): boolean {
  return ['127.0.0.1', '[::1]', 'localhost'].includes(new URL(urls.client).hostname) || new URL(urls.client).protocol === 'https:';
}

/**
 * A second API, registered at the Auth Server but not run by the demo: the Break it page asks for a
 * token for it (RFC 8707 `resource`) and shows the demo Resource Server refusing that token (its `aud`).
 */
export const OTHER_DEMO_API = 'https://print-shop.example/api';

/**
 * The demo's clients, users and its one API (and OTHER_DEMO_API, for the Break it page). Every client lists the Resource Server first among
 * its resources, so it is the audience of their tokens whether or not a request names it (RFC 8707
 * `resource`): the tutorial's `curl -d grant_type=client_credentials` gets a token that API accepts,
 * and no other API would.
 */
export function demoSeed(urls: DemoUrls, now: number, hashing: SecretHashing): Seed {
  const redirects = playgroundRedirectUris(urls);
  const resources = [urls.resourceServer];
  const c = PLAYGROUND_CLIENTS;
  const clients = [
    {
      client_id: c.authorizationCode.clientId, client_name: c.authorizationCode.clientName, client_secret: c.authorizationCode.clientSecret,
      grant_types: ['authorization_code'], redirect_uris: [redirects.authorizationCode], scope: 'read write', resources,
    },
    {
      client_id: c.implicit.clientId, client_name: c.implicit.clientName, token_endpoint_auth_method: 'none',
      grant_types: ['implicit'], redirect_uris: [redirects.implicit], scope: 'read write', resources,
    },
    {
      client_id: c.password.clientId, client_name: c.password.clientName, client_secret: c.password.clientSecret,
      grant_types: ['password'], scope: 'read write', resources,
    },
    {
      client_id: c.clientCredentials.clientId, client_name: c.clientCredentials.clientName, client_secret: c.clientCredentials.clientSecret,
      grant_types: ['client_credentials'], scope: 'read write', resources,
    },
    {
      client_id: c.refreshToken.clientId, client_name: c.refreshToken.clientName, client_secret: c.refreshToken.clientSecret,
      grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [redirects.refreshToken], scope: 'read write', resources,
    },
    {
      // Its access token is for UserInfo, so its audience is the Auth Server itself, not the demo API
      // (whose scope has no openid, and which must not read users' claims with its callers' tokens).
      client_id: c.openIdConnect.clientId, client_name: c.openIdConnect.clientName, client_secret: c.openIdConnect.clientSecret,
      grant_types: ['authorization_code'], redirect_uris: [redirects.openIdConnect], scope: 'openid profile email',
      resources: [urls.authorizationServer], post_logout_redirect_uris: [redirects.openIdConnectLoggedOut],
      ...(backChannelLogoutPossible(urls) ? { backchannel_logout_uri: redirects.openIdConnectBackChannel, backchannel_logout_session_required: true } : {}),
    },
    {
      client_id: c.breakIt.clientId, client_name: c.breakIt.clientName, client_secret: c.breakIt.clientSecret,
      grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [redirects.breakIt], scope: 'read write', resources,
    },
    {
      client_id: c.breakItService.clientId, client_name: c.breakItService.clientName, client_secret: c.breakItService.clientSecret,
      grant_types: ['client_credentials'], scope: 'read write', resources: [...resources, OTHER_DEMO_API],
    },
  ].map((metadata) => clientFromMetadata(metadata, now, hashing));
  const resourceServers = [
    resourceServerFromMetadata({ resource: urls.resourceServer, scope: 'read write' }, now),
    resourceServerFromMetadata({ resource: OTHER_DEMO_API, scope: 'read write' }, now),
  ];
  return { clients, users: [...DEMO_USERS], resources: resourceServers };
}
