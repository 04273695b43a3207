import type { Config } from '../config.js';

/** Where the three demo servers answer. */
export interface DemoUrls {
  authorizationServer: string;
  resourceServer: string;
  client: string;
}

/** The Resource Server and the Client bind the authorization server's host, on their own ports. */
export function demoUrls(config: Config, resourcePort: number, clientPort: number): DemoUrls {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    authorizationServer: config.settings.issuer,
    resourceServer: `http://${host}:${resourcePort}`,
    client: `http://${host}:${clientPort}`,
  };
}
