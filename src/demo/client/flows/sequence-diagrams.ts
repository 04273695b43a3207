import type { Participant } from '../exchange/exchange.js';

/** One numbered arrow of a sequence diagram; `lines` are the label's lines (the tutorial's `<br/>`). */
export interface DiagramStep {
  number: number;
  from: Participant;
  to: Participant;
  lines: readonly string[];
}

export interface SequenceDiagram {
  /** Left to right, only the lanes the grant uses. */
  participants: readonly Participant[];
  steps: readonly DiagramStep[];
}

function step(number: number, from: Participant, to: Participant, ...lines: string[]): DiagramStep {
  return { number, from, to, lines };
}

const ALL: readonly Participant[] = ['User', 'Client', 'Auth Server', 'Resource Server'];
const NO_USER: readonly Participant[] = ['Client', 'Auth Server', 'Resource Server'];

// The tutorial's five diagrams (shared/seed/oauth2-grant-types-tutorial.txt), with its typos
// fixed, and two statements corrected where it contradicts the RFCs (noted below).

const USER_AT_AUTH_SERVER = [
  step(1, 'User', 'Client', 'I want to access my resources'),
  step(2, 'Client', 'User', 'Tell the Auth Server that you are fine to do this action.'),
  step(3, 'User', 'Auth Server', 'Hello Auth Server, please allow the client to access my resources.', 'Here are my credentials to prove my identity'),
];

export const AUTHORIZATION_CODE_DIAGRAM: SequenceDiagram = {
  participants: ALL,
  steps: [
    ...USER_AT_AUTH_SERVER,
    step(4, 'Auth Server', 'Client', 'Hey Client, user allowed you to access his', 'resources. Here is AUTHORIZATION CODE.'),
    step(5, 'Client', 'Auth Server', 'Here are my client credentials, AUTHZ', 'CODE. Please provide me a token.'),
    step(6, 'Auth Server', 'Client', 'Here is the token from Authorization Server'),
    step(7, 'Client', 'Resource Server', 'Hey Resource Server, I want to access the user resources.', 'Here is the token from the Authz Server'),
    step(8, 'Resource Server', 'Client', 'Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'),
  ],
};

export const IMPLICIT_DIAGRAM: SequenceDiagram = {
  participants: ALL,
  steps: [
    ...USER_AT_AUTH_SERVER,
    step(4, 'Auth Server', 'Client', 'Hey Client, user allowed you to access his', 'resources. Here is the TOKEN.'),
    step(5, 'Client', 'Resource Server', 'Hey Resource Server, I want to access the user resources.', 'Here is the token from the Authz Server'),
    step(6, 'Resource Server', 'Client', 'Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'),
  ],
};

export const PASSWORD_DIAGRAM: SequenceDiagram = {
  participants: ALL,
  steps: [
    step(1, 'User', 'Client', 'I want to access my resources'),
    step(2, 'Client', 'Auth Server', 'Hello Auth Server, User wants to access', 'his/her resources. Here are the credentials of', 'the User'),
    step(3, 'Auth Server', 'Client', 'Hey Client, The credentials provided are', 'correct. Here is the TOKEN to access the user', 'resources.'),
    step(4, 'Client', 'Resource Server', 'Hey Resource Server, I want to access the user resources.', 'Here is the token from the Authz Server'),
    step(5, 'Resource Server', 'Client', 'Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'),
  ],
};

export const CLIENT_CREDENTIALS_DIAGRAM: SequenceDiagram = {
  participants: NO_USER,
  steps: [
    step(1, 'Client', 'Auth Server', 'I want to access protected resources. Here', 'are my client credentials. No user involved in this.'),
    // Corrected: the tutorial says "to access the user resources", but this grant has no user.
    step(2, 'Auth Server', 'Client', 'Hey Client, The credentials provided are', 'correct. Here is the TOKEN to access the protected', 'resources.'),
    step(3, 'Client', 'Resource Server', 'Hey Resource Server, I want to access protected resources.', 'Here is the token from the Authz Server'),
    step(4, 'Resource Server', 'Client', 'Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'),
  ],
};

export const REFRESH_TOKEN_DIAGRAM: SequenceDiagram = {
  participants: NO_USER,
  steps: [
    step(1, 'Client', 'Resource Server', 'I want to access protected resources of the user. Here', 'is the access token received in the initial user login.'),
    // Corrected: the tutorial answers 403; RFC 6750 §3.1 says an expired token is 401 invalid_token.
    step(2, 'Resource Server', 'Client', 'The access token is expired! I\'m answering 401', 'invalid_token. Sorry!'),
    step(3, 'Client', 'Auth Server', 'Hey Auth Server, I need a new access token', 'for the user. Here is the refresh token', 'of the user.'),
    step(4, 'Auth Server', 'Client', 'Refresh token is valid. Here is a new access', 'token and new refresh token.'),
    step(5, 'Client', 'Resource Server', 'Hey Resource Server, I want to access protected resources.', 'Here is the token from the Authz Server'),
    step(6, 'Resource Server', 'Client', 'Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'),
  ],
};

const USER_CLIENT_AUTH: readonly Participant[] = ['User', 'Client', 'Auth Server'];

/** Sign in with OpenID Connect (code flow + PKCE + nonce), UserInfo, and RP-initiated logout. */
export const OPENID_CONNECT_DIAGRAM: SequenceDiagram = {
  participants: USER_CLIENT_AUTH,
  steps: [
    step(1, 'User', 'Client', 'Sign me in with Tessera'),
    step(2, 'Client', 'User', 'Go to the Auth Server: scope openid profile email,', 'with a nonce, state and a PKCE challenge.'),
    step(3, 'User', 'Auth Server', 'Hello Auth Server, here are my credentials.', 'Yes, this client may know who I am.'),
    step(4, 'Auth Server', 'Client', 'Hey Client, the user signed in.', 'Here is an AUTHORIZATION CODE.'),
    step(5, 'Client', 'Auth Server', 'Here are my client credentials, the code', 'and the PKCE verifier.'),
    step(6, 'Auth Server', 'Client', 'Here is an ID TOKEN (who signed in)', 'and an access token for UserInfo.'),
    step(7, 'Client', 'Auth Server', 'UserInfo, please: who is this user?', 'Here is the access token.'),
    step(8, 'Auth Server', 'Client', 'Here are the claims the user allowed:', 'name, email, ...'),
    step(9, 'User', 'Client', 'Sign me out'),
    step(10, 'Client', 'User', 'Go to the Auth Server\'s end_session endpoint,', 'with my ID token as id_token_hint.'),
    step(11, 'Auth Server', 'Client', 'Session ended. Back to your', 'post_logout_redirect_uri, with your state.'),
  ],
};
