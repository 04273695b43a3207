import { defineFlow } from './flow-content.js';
import { ref } from './references.js';
import { grantTypeCorrection, RESOURCE_CALL_CONTROLS, resourceCallSteps, TOKEN_RESPONSE_NOTES } from './shared-copy.js';

/** RFC 6749 §4.4, played by "Nightly Backup Service": the visitor is only the scheduler that wakes it. */
export const CLIENT_CREDENTIALS_FLOW = defineFlow({
  participants: ['Client', 'Auth Server', 'Resource Server'],
  steps: [
    {
      id: 'token-request', from: 'Client', to: 'Auth Server',
      caption: ['I want to access protected resources. Here', 'are my client credentials. No user involved in this.'],
      notes: ['The client authenticates with its own credentials (Basic); the secret is masked here. No user, no browser, no redirect.'],
      corrections: [grantTypeCorrection('client_credentials', '4.4.2')],
    },
    {
      id: 'token-response', from: 'Auth Server', to: 'Client',
      // Corrected: the tutorial says "to access the user resources", but this grant has no user.
      caption: ['Hey Client, The credentials provided are', 'correct. Here is the TOKEN to access the protected', 'resources.'],
      tutorialCaption: ['Hey Client, The credentials provided are', 'correct. Here is the TOKEN to access the user', 'resources.'],
      notes: [...TOKEN_RESPONSE_NOTES, 'No refresh token: the client can simply ask again (RFC 6749 §4.4.3).'],
      corrections: [{
        tutorial: 'The tutorial\'s caption says "Here is the TOKEN to access the user resources".',
        rfc: 'There is no user in this grant: the client asks for access to protected resources under its own control (or another owner\'s, arranged beforehand). The token\'s sub is the client_id, and the Resource Server answers with the client\'s own resources.',
        refs: [ref(6749, '4.4'), ref(6749, '1.3.4')],
      }],
    },
    ...resourceCallSteps('client'),
  ],
  controls: {
    'intro': 'Nightly Backup Service is a backend job with no user. You play the scheduler that wakes it up: it asks for a token with its own credentials.',
    'get-token': 'Run steps {token-request}–{token-response}: get a token with the client\'s credentials',
    'holds-token': 'The service has a token. Next, it calls the Resource Server.',
    'add-resource': 'Try: POST a new resource',
    ...RESOURCE_CALL_CONTROLS,
  },
  problems: {},
  extras: {
    'resource-added': {
      title: 'POST /api/resources',
      notes: ['201 Created: the token has scope write. Call the Resource Server again to see the new resource.'],
    },
    'resource-refused': {
      title: 'POST /api/resources',
      notes: ['403 insufficient_scope: the token is valid but lacks write; WWW-Authenticate names the scope needed (RFC 6750 §3.1). A 401 would mean the token itself is bad.'],
    },
  },
});
