/** What the server tells the single-page app, in a JSON block of the page (data, not code: CSP-safe). */
export interface ImplicitSpaConfig {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  /** The Resource Server's identifier, sent as RFC 8707 `resource`. */
  resource: string;
  resourcesUrl: string;
  /** The page the SPA lives on; the callback returns there once it has read the fragment. */
  pagePath: string;
}
