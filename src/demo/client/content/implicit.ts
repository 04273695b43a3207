import { defineFlow } from './flow-content.js';
import { ref } from './references.js';
import { RESOURCE_CALL_CONTROLS, USER_AT_AUTH_SERVER_NOTES } from './shared-copy.js';

/** RFC 6749 §4.2, played by "Gallery SPA" in the browser (browser/implicit-spa.ts imports this module). */
export const IMPLICIT_FLOW = defineFlow({
  participants: ['User', 'Client', 'Auth Server', 'Resource Server'],
  steps: [
    {
      id: 'ask-for-resources', from: 'User', to: 'Client', caption: ['I want to access my resources'],
      notes: ['Nothing asked a server: a single-page app has no backend to keep secrets or tokens in.'],
    },
    {
      id: 'redirect-to-auth-server', from: 'Client', to: 'User', caption: ['Tell the Auth Server that you are fine to do this action.'],
      notes: [
        'The SPA sends your browser to the authorization endpoint by setting window.location, with response_type=token: "give me the token itself, not a code".',
        'It keeps state in sessionStorage to check on return. There is no PKCE here: the implicit grant has no token request to bind a verifier to.',
      ],
    },
    {
      id: 'user-at-auth-server', from: 'User', to: 'Auth Server',
      caption: ['Hello Auth Server, please allow the client to access my resources.', 'Here are my credentials to prove my identity'],
      notes: USER_AT_AUTH_SERVER_NOTES,
    },
    {
      id: 'callback-with-token', from: 'Auth Server', to: 'Client',
      caption: ['Hey Client, user allowed you to access his', 'resources. Here is the TOKEN.'],
      notes: [
        'The Auth Server redirected your browser to the redirect_uri with the access token in the fragment (RFC 6749 §4.2.2). The browser did not send the fragment to the Client\'s server, but the token was in the URL.',
        'The SPA checked that state is the one it sent, read the token, and removed the fragment from the address bar with history.replaceState.',
        'No refresh token: the implicit grant must not issue one (RFC 6749 §4.2.2).',
        'Anything that saw this URL (history, extensions, a script on the page) saw the token: this is why RFC 9700 §2.1.2 says not to use this grant.',
      ],
      corrections: [{
        tutorial: 'The tutorial says apps with only HTML and JavaScript and no backend can still use the implicit grant.',
        rfc: 'Clients SHOULD NOT use the implicit grant: a browser app uses the authorization code grant with PKCE, which keeps the token out of the URL.',
        refs: [ref(9700, '2.1.2')],
      }],
    },
    {
      id: 'resource-request', from: 'Client', to: 'Resource Server',
      caption: ['Hey Resource Server, I want to access the user resources.', 'Here is the token from the Authz Server'],
      notes: [
        'fetch() from this page to another origin: the browser added the Origin header and, because of the Authorization header, asked the Resource Server first with a CORS preflight (OPTIONS).',
        'The access token travels in the Authorization header as a Bearer token (RFC 6750 §2.1).',
      ],
    },
    {
      id: 'resource-response', from: 'Resource Server', to: 'Client',
      caption: ['Hey Client. Your token is validated successfully.', 'Here are the resources you requested.'],
      notes: [
        'The Resource Server allows this page\'s origin (Access-Control-Allow-Origin), so the browser let the SPA read the answer.',
        'It verified the token itself: signature, iss, aud, exp and scope read. The token acts for you, so these are your resources.',
      ],
    },
  ],
  controls: {
    'intro': 'Gallery SPA is JavaScript in this page, with no backend. It gets the token straight from the Auth Server in the URL.',
    'start': 'Start: {ask-for-resources}. I want to access my resources',
    'holds-token': 'The SPA read the access token from the URL fragment. Next, it calls the Resource Server with fetch().',
    'click': 'The Client is this page\'s JavaScript: your click on Start was step {ask-for-resources}, handled in the browser without any request.',
    'needs-javascript': 'This page is a single-page app: its Client is JavaScript, so it needs JavaScript.',
    'no-refresh': 'The implicit grant issues no refresh token (RFC 6749 §4.2.2): a new token means running the grant again.',
    ...RESOURCE_CALL_CONTROLS,
  },
  problems: {
    'not-started': 'This page did not start the flow (or its state was lost). Start again.',
    'state-mismatch': 'The state in the fragment is not the one this page sent: the response is refused (CSRF protection, RFC 6749 §10.12).',
    'unreachable': 'The Resource Server could not be reached.',
    'unrenderable': 'This page could not show what it kept of the flow (a token it cannot display?). Start over to clear it.',
  },
});
