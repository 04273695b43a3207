import * as oauth from 'oauth4webapi';

/**
 * The Auth Server's RFC 8414 metadata, discovered on first use with oauth4webapi and kept. A
 * failed discovery is forgotten, so the next request tries again (the Auth Server may start later).
 */
export class AuthorizationServerMetadata {
  private pending: Promise<oauth.AuthorizationServer> | undefined;

  /** `oauth2`: RFC 8414 metadata; `oidc`: OpenID Connect Discovery (userinfo_endpoint, end_session_endpoint). */
  constructor(private readonly issuer: string, private readonly algorithm: 'oauth2' | 'oidc' = 'oauth2') {}

  get(): Promise<oauth.AuthorizationServer> {
    if (this.pending === undefined) {
      const issuer = new URL(this.issuer);
      const pending = oauth.discoveryRequest(issuer, { algorithm: this.algorithm, [oauth.allowInsecureRequests]: issuer.protocol === 'http:' })
        .then((response) => oauth.processDiscoveryResponse(issuer, response));
      this.pending = pending;
      pending.catch(() => {
        if (this.pending === pending) this.pending = undefined;
      });
    }
    return this.pending;
  }
}
