import * as oauth from 'oauth4webapi';
import { ExchangeRecorder } from '../exchange/recording-fetch.js';
import { authorizationRequest } from '../oauth/code-flow-steps.js';
import { describeOAuthError } from '../oauth/recorded-call.js';
import type { PlaygroundContext } from '../playground-context.js';
import { ExperimentResult } from './experiment.js';
import type { LabClients } from './lab-client.js';

/** Where an attacker would like the code to go: not a redirect_uri of Break-it Lab. */
export const ATTACKER_REDIRECT_URI = 'https://attacker.example/callback';

/** The readable part of an HTML page: its heading and alert, without the markup. */
function pageText(page: string): string {
  const text = (pattern: RegExp) => (pattern.exec(page)?.[1] ?? '').replace(/<[^>]*>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
  const heading = text(/<h1[^>]*>([\s\S]*?)<\/h1>/i);
  const alert = text(/<p class="alert"[^>]*>([\s\S]*?)<\/p>/i);
  return [heading && `<h1> ${heading}`, alert && `<p role="alert"> ${alert}`, `(an HTML page of ${page.length} characters; only its heading and message are shown)`].filter(Boolean).join('\n');
}

/**
 * RFC 6749 §3.1.2.4 and §4.1.2.1: an authorization request whose redirect_uri is not the client's
 * registered one. The Client's server sends it itself (a browser would show the same page), without
 * following redirects, so that the Auth Server's whole answer is visible: its status, and whether
 * it carries a Location.
 */
export async function tamperedRedirectUri(ctx: PlaygroundContext, lab: LabClients): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  const as = await lab.metadata();
  const request = await authorizationRequest(as, {
    clientId: lab.web.clientId, redirectUri: ATTACKER_REDIRECT_URI, scope: ['read'], resource: ctx.urls.resourceServer,
  });
  result.link = { href: request.authorizationUrl, label: 'Open the tampered link in your own browser' };
  const recorder = new ExchangeRecorder(ctx.allowHttp);
  try {
    await recorder.options[oauth.customFetch](request.authorizationUrl, { method: 'GET', headers: { accept: 'text/html' }, redirect: 'manual' });
  } catch (error) {
    return result.stop(describeOAuthError(error));
  }
  const exchange = recorder.last();
  const response = exchange?.response;
  if (!exchange || !response) return result.stop('The Auth Server did not answer.');
  if (response.body?.type === 'text') response.body = { type: 'text', text: pageText(response.body.text) };
  result.record('The authorization request with redirect_uri changed to the attacker\'s', exchange, [
    `redirect_uri is ${ATTACKER_REDIRECT_URI}; Break-it Lab registered only ${lab.redirectUri}.`,
    'Everything else is a valid request: the right client_id, scope, state, PKCE challenge and resource.',
  ]);
  const location = response.headers.find((header) => header.name === 'Location');
  result.check(response.status >= 400 && response.status < 500,
    `The Auth Server answered ${response.status} ${response.statusText} with its own error page.`,
    `The Auth Server answered ${response.status} ${response.statusText}, not an error.`);
  result.check(location === undefined,
    'No Location header: the browser is sent nowhere, so no code (and no error) reaches the attacker\'s address.',
    `The answer carries Location: ${location?.full ?? location?.value ?? ''}: a browser would have followed it.`);
  return result;
}
