import {
  AUTHORIZATION_CODE_GUIDE, CLIENT_CREDENTIALS_GUIDE, IMPLICIT_GUIDE, OPENID_CONNECT_GUIDE, PASSWORD_GUIDE, REFRESH_TOKEN_GUIDE, type GrantGuide,
} from './grant-guides.js';
import {
  AUTHORIZATION_CODE_DIAGRAM, CLIENT_CREDENTIALS_DIAGRAM, IMPLICIT_DIAGRAM, OPENID_CONNECT_DIAGRAM, PASSWORD_DIAGRAM, REFRESH_TOKEN_DIAGRAM, type SequenceDiagram,
} from './sequence-diagrams.js';

export type GrantKey = 'authorization-code' | 'implicit' | 'password' | 'client-credentials' | 'refresh-token' | 'openid-connect';

/** What the playground says about one grant: its page, its diagram, its guide. */
export interface GrantPage {
  key: GrantKey;
  title: string;
  /** The page's path, and the prefix of its actions. */
  path: `/${GrantKey}`;
  /** One sentence for the home page. */
  summary: string;
  /** How the grant is named on the wire. */
  wireName: string;
  diagram: SequenceDiagram;
  guide: GrantGuide;
}

export const GRANT_PAGES: readonly GrantPage[] = [
  {
    key: 'authorization-code', title: 'Authorization Code + PKCE', path: '/authorization-code',
    summary: 'You sign in at the Auth Server; the client gets a one-time code and trades it for tokens on a back channel.',
    wireName: 'response_type=code, grant_type=authorization_code', diagram: AUTHORIZATION_CODE_DIAGRAM, guide: AUTHORIZATION_CODE_GUIDE,
  },
  {
    key: 'implicit', title: 'Implicit', path: '/implicit',
    summary: 'A single-page app gets the access token straight in the URL fragment, with no token request.',
    wireName: 'response_type=token', diagram: IMPLICIT_DIAGRAM, guide: IMPLICIT_GUIDE,
  },
  {
    key: 'password', title: 'Password', path: '/password',
    summary: 'You give your password to the client, which sends it to the Auth Server for a token.',
    wireName: 'grant_type=password', diagram: PASSWORD_DIAGRAM, guide: PASSWORD_GUIDE,
  },
  {
    key: 'client-credentials', title: 'Client Credentials', path: '/client-credentials',
    summary: 'No user at all: a backend service authenticates as itself and reads its own resources.',
    wireName: 'grant_type=client_credentials', diagram: CLIENT_CREDENTIALS_DIAGRAM, guide: CLIENT_CREDENTIALS_GUIDE,
  },
  {
    key: 'refresh-token', title: 'Refresh Token', path: '/refresh-token',
    summary: 'The access token expires, the Resource Server says 401 invalid_token, the client refreshes and retries.',
    wireName: 'grant_type=refresh_token', diagram: REFRESH_TOKEN_DIAGRAM, guide: REFRESH_TOKEN_GUIDE,
  },
  {
    key: 'openid-connect', title: 'OpenID Connect', path: '/openid-connect',
    summary: 'Sign in with Tessera: the code flow with scope openid returns an ID token saying who you are; then UserInfo, and logout.',
    wireName: 'scope=openid, response_type=code, end_session_endpoint', diagram: OPENID_CONNECT_DIAGRAM, guide: OPENID_CONNECT_GUIDE,
  },
];

export function grantPage(key: GrantKey): GrantPage {
  const page = GRANT_PAGES.find((candidate) => candidate.key === key);
  if (!page) throw new Error(`unknown grant ${key}`);
  return page;
}
