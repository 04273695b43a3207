import {
  AUTHORIZATION_CODE_GUIDE, CLIENT_CREDENTIALS_GUIDE, IMPLICIT_GUIDE, OPENID_CONNECT_GUIDE, PASSWORD_GUIDE, REFRESH_TOKEN_GUIDE, type GrantGuide,
} from './grant-guides.js';
import { AUTHORIZATION_CODE_FLOW } from '../content/authorization-code.js';
import { CLIENT_CREDENTIALS_FLOW } from '../content/client-credentials.js';
import type { FlowContent, SequenceDiagram } from '../content/flow-content.js';
import { IMPLICIT_FLOW } from '../content/implicit.js';
import { OPENID_CONNECT_FLOW } from '../content/openid-connect.js';
import { PASSWORD_FLOW } from '../content/password.js';
import { REFRESH_TOKEN_FLOW } from '../content/refresh-token.js';

export type GrantKey = 'authorization-code' | 'implicit' | 'password' | 'client-credentials' | 'refresh-token' | 'openid-connect';

/** What the playground says about one grant: its page, its diagram, its guide. */
export interface GrantPage {
  key: GrantKey;
  title: string;
  /** A shorter title for the header's nav, which must fit one row at 1100 px (the full one is its tooltip). */
  navTitle?: string;
  /** The page's path, and the prefix of its actions. */
  path: `/${GrantKey}`;
  /** One sentence for the home page. */
  summary: string;
  /** How the grant is named on the wire. */
  wireName: string;
  /** The flow's steps and copy (content/). */
  flow: FlowContent;
  diagram: SequenceDiagram;
  guide: GrantGuide;
}

export const GRANT_PAGES: readonly GrantPage[] = [
  {
    key: 'authorization-code', title: 'Authorization Code + PKCE', navTitle: 'Auth Code + PKCE', path: '/authorization-code',
    summary: 'You sign in at the Auth Server; the client gets a one-time code and trades it for tokens on a back channel.',
    wireName: 'response_type=code, grant_type=authorization_code', flow: AUTHORIZATION_CODE_FLOW, diagram: AUTHORIZATION_CODE_FLOW.diagram, guide: AUTHORIZATION_CODE_GUIDE,
  },
  {
    key: 'implicit', title: 'Implicit', path: '/implicit',
    summary: 'A single-page app gets the access token straight in the URL fragment, with no token request.',
    wireName: 'response_type=token', flow: IMPLICIT_FLOW, diagram: IMPLICIT_FLOW.diagram, guide: IMPLICIT_GUIDE,
  },
  {
    key: 'password', title: 'Password', path: '/password',
    summary: 'You give your password to the client, which sends it to the Auth Server for a token.',
    wireName: 'grant_type=password', flow: PASSWORD_FLOW, diagram: PASSWORD_FLOW.diagram, guide: PASSWORD_GUIDE,
  },
  {
    key: 'client-credentials', title: 'Client Credentials', path: '/client-credentials',
    summary: 'No user at all: a backend service authenticates as itself and reads its own resources.',
    wireName: 'grant_type=client_credentials', flow: CLIENT_CREDENTIALS_FLOW, diagram: CLIENT_CREDENTIALS_FLOW.diagram, guide: CLIENT_CREDENTIALS_GUIDE,
  },
  {
    key: 'refresh-token', title: 'Refresh Token', path: '/refresh-token',
    summary: 'The access token expires, the Resource Server says 401 invalid_token, the client refreshes and retries.',
    wireName: 'grant_type=refresh_token', flow: REFRESH_TOKEN_FLOW, diagram: REFRESH_TOKEN_FLOW.diagram, guide: REFRESH_TOKEN_GUIDE,
  },
  {
    key: 'openid-connect', title: 'OpenID Connect', path: '/openid-connect',
    summary: 'Sign in with Tessera: the code flow with scope openid returns an ID token saying who you are; then UserInfo, and logout.',
    wireName: 'scope=openid, response_type=code, end_session_endpoint', flow: OPENID_CONNECT_FLOW, diagram: OPENID_CONNECT_FLOW.diagram, guide: OPENID_CONNECT_GUIDE,
  },
];

export function grantPage(key: GrantKey): GrantPage {
  const page = GRANT_PAGES.find((candidate) => candidate.key === key);
  if (!page) throw new Error(`unknown grant ${key}`);
  return page;
}
