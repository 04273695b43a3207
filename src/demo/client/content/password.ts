import { defineFlow } from './flow-content.js';
import { ref } from './references.js';
import { grantTypeCorrection, RESOURCE_CALL_CONTROLS, resourceCallSteps, TOKEN_RESPONSE_NOTES } from './shared-copy.js';

/** RFC 6749 §4.3, played by "Company Intranet": the page where the visitor types a password into the client. */
export const PASSWORD_FLOW = defineFlow({
  participants: ['User', 'Client', 'Auth Server', 'Resource Server'],
  steps: [
    {
      id: 'give-credentials', from: 'User', to: 'Client', caption: ['I want to access my resources'],
      notes: ['Your browser posted your username and password to the Client, not to the Auth Server: the Client now knows your password.'],
      corrections: [{
        tutorial: 'The tutorial says this grant is fine when the Client, the Auth Server and the Resource Server belong to the same organization.',
        rfc: 'The security best current practice says the resource owner password credentials grant MUST NOT be used: it hands the user\'s password to the client and cannot support multi-factor sign-in.',
        refs: [ref(9700, '2.4')],
      }],
    },
    {
      id: 'token-request', from: 'Client', to: 'Auth Server',
      caption: ['Hello Auth Server, User wants to access', 'his/her resources. Here are the credentials of', 'the User'],
      notes: [
        'The Client sends your username and password to the token endpoint, with its own credentials (Basic).',
        'Both the client secret and your password are masked here. A real client sees your password in clear.',
      ],
      corrections: [grantTypeCorrection('password', '4.3.2')],
    },
    {
      id: 'token-response', from: 'Auth Server', to: 'Client',
      caption: ['Hey Client, The credentials provided are', 'correct. Here is the TOKEN to access the user', 'resources.'],
      notes: [...TOKEN_RESPONSE_NOTES, 'The Client must now forget your password (RFC 6749 §4.3.1); this one kept only the masked copy you see. You cannot check that a real one does.'],
    },
    ...resourceCallSteps('user'),
  ],
  controls: {
    'intro': 'Company Intranet asks for your username and password on its own page, then sends them to the Auth Server itself. That is what makes this grant dangerous.',
    'sign-in': 'Run steps {give-credentials}–{token-response}: sign in to the Client',
    'holds-token': 'The Client has a token for you. Next, it calls the Resource Server.',
    ...RESOURCE_CALL_CONTROLS,
  },
  problems: {},
});
