import type { Clock } from '../../core/clock.js';
import type { DemoUrls } from '../demo-urls.js';
import type { AuthorizationServerMetadata } from './oauth/authorization-server.js';
import type { PlaygroundSessions } from './playground-sessions.js';

/** What every flow of the playground needs. */
export interface PlaygroundContext {
  readonly urls: DemoUrls;
  readonly clock: Clock;
  readonly sessions: PlaygroundSessions;
  readonly authorizationServer: AuthorizationServerMetadata;
  /** The same Auth Server's OpenID Connect Discovery document (the OpenID Connect page). */
  readonly openIdProvider: AuthorizationServerMetadata;
  /** The demo runs on http://127.0.0.1; oauth4webapi must be told that http is expected here. */
  readonly allowHttp: boolean;
  /** The Auth Server's access token lifetime, to explain expiry on the pages. */
  readonly accessTokenTtl: number;
  /** The Refresh Token page's access tokens expire sooner, so that one expires while you watch. */
  readonly refreshPageAccessTokenTtl: number;
}
