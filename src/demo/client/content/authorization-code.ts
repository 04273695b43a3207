import { defineFlow } from './flow-content.js';
import { ref } from './references.js';
import { RESOURCE_CALL_CONTROLS, resourceCallSteps, TOKEN_RESPONSE_NOTES, USER_AT_AUTH_SERVER_NOTES } from './shared-copy.js';

/** RFC 6749 §4.1 with PKCE: the tutorial's first diagram, played by "Photo Printer". */
export const AUTHORIZATION_CODE_FLOW = defineFlow({
  participants: ['User', 'Client', 'Auth Server', 'Resource Server'],
  steps: [
    {
      id: 'ask-for-resources', from: 'User', to: 'Client', caption: ['I want to access my resources'],
      notes: ['You asked the Client for your resources. It has no token yet, so it needs your permission first.'],
    },
    {
      id: 'redirect-to-auth-server', from: 'Client', to: 'User', caption: ['Tell the Auth Server that you are fine to do this action.'],
      notes: [
        'The Client answers with a redirect: your browser goes to the Auth Server\'s authorization endpoint (RFC 6749 §4.1.1).',
        'Before that it made a random state and a PKCE code_verifier, and kept both in its session; the URL carries only the code_challenge, SHA-256 of the verifier.',
        'resource names the Resource Server, so the token will be good for that API only (RFC 8707).',
      ],
    },
    {
      id: 'user-at-auth-server', from: 'User', to: 'Auth Server',
      caption: ['Hello Auth Server, please allow the client to access my resources.', 'Here are my credentials to prove my identity'],
      notes: USER_AT_AUTH_SERVER_NOTES,
    },
    {
      id: 'callback-with-code', from: 'Auth Server', to: 'Client',
      caption: ['Hey Client, user allowed you to access his', 'resources. Here is AUTHORIZATION CODE.'],
      notes: [
        'The Auth Server redirected your browser back to the Client\'s redirect_uri with a one-time code in the query.',
        'The Client checked that state is the one it sent (RFC 6749 §10.12) and that iss is its Auth Server (RFC 9207), with oauth4webapi.',
        'The code alone is useless: redeeming it takes the client secret and the PKCE verifier, which never left the Client.',
      ],
    },
    {
      id: 'token-request', from: 'Client', to: 'Auth Server', caption: ['Here are my client credentials, AUTHZ', 'CODE. Please provide me a token.'],
      notes: [
        'A back-channel POST from the Client\'s server to the token endpoint: your browser is not involved, so the tokens never pass through it.',
        'The Client authenticates with HTTP Basic (client_secret_basic); the secret is masked here.',
        'code_verifier proves that this client is the one that started the flow (PKCE, RFC 7636 §4.5).',
      ],
      corrections: [{
        tutorial: 'The tutorial lists client_id & client_secret among the parameters of this request.',
        rfc: 'The Auth Server must support HTTP Basic for a client secret, and sending the secret in the request body is NOT RECOMMENDED: this client sends it in the Authorization header.',
        refs: [ref(6749, '2.3.1')],
      }, {
        tutorial: 'The tutorial says redirect_uri is optional in this request when a default was registered.',
        rfc: 'redirect_uri is REQUIRED in the token request when the authorization request carried one, and must be identical to it; this Client always sends both.',
        refs: [ref(6749, '4.1.3')],
      }],
    },
    { id: 'token-response', from: 'Auth Server', to: 'Client', caption: ['Here is the token from Authorization Server'], notes: TOKEN_RESPONSE_NOTES },
    ...resourceCallSteps('user'),
  ],
  controls: {
    'intro': 'Photo Printer wants to read your resources. Choose what to ask for, then start: the Client sends your browser to the Auth Server.',
    'waiting': 'Waiting for your return from the Auth Server, or start again.',
    'start': 'Start: {ask-for-resources}. I want to access my resources',
    'holds-code': 'The Client holds a one-time authorization code. Next, it redeems it at the token endpoint with its own credentials and the PKCE verifier.',
    'redeem': 'Run steps {token-request}–{token-response}: exchange the code for a token',
    'holds-token': 'The Client has an access token for the Resource Server. Next, it calls the API with it.',
    ...RESOURCE_CALL_CONTROLS,
  },
  problems: {
    'foreign-callback': 'This callback does not belong to a flow started here (or it was already used). Start again.',
    'unreachable': 'The Auth Server could not be reached:',
  },
});
