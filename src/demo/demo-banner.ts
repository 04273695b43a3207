import type { Config } from '../config.js';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from './demo-seed.js';
import type { DemoUrls } from './demo-urls.js';
import { refreshPageAccessTokenTtl } from './refresh-page-ttl.js';

function databaseLabel(config: Config): string {
  return config.db.kind === 'sqlite' ? `sqlite:${config.db.path}` : 'postgres (the --db URL)';
}

/** What `tessera demo` prints once the three servers listen: where to go, and the demo credentials. */
export function demoBanner(urls: DemoUrls, config: Config): string {
  const clients = Object.values(PLAYGROUND_CLIENTS)
    .map((client) => `${client.clientId.padEnd(24)}${client.clientSecret ?? '(public client, no secret)'}`);
  return [
    '',
    'Tessera demo is running.',
    '',
    `  Client (flow playground)  ${urls.client}    <- open this in a browser`,
    `  Auth Server               ${urls.authorizationServer}`,
    `  Resource Server           ${urls.resourceServer}`,
    '',
    `  Demo users                ${DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join('    ')}`,
    `  Demo clients              ${clients.join('\n                            ')}`,
    '',
    `  Access tokens live ${config.settings.accessTokenTtl} s (--access-token-ttl); the refresh story's ${refreshPageAccessTokenTtl(config.settings.accessTokenTtl)} s, so you can watch one expire.`,
    ...(config.settings.dynamicRegistration.mode === 'off' ? [] : [`  Dynamic client registration is ${config.settings.dynamicRegistration.mode} at ${urls.authorizationServer}/register (--dynamic-registration; the playground's Registration page).`]),
    `  Database: ${databaseLabel(config)}. Stop with Ctrl+C.`,
    '',
  ].join('\n');
}
