import type { FastifyInstance } from 'fastify';
import * as oauth from 'oauth4webapi';
import { html, type SafeHtml } from '../../../html/html.js';
import { maskedExchange, recordedHttp } from '../oauth/recorded-http.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot } from '../playground-sessions.js';
import { isoTime } from '../views/claim-time.js';
import { scrollableCode } from '../views/code-block.js';
import { extraExchangeView } from '../views/exchange-view.js';
import { actionForm } from '../views/flow-page.js';
import { layout } from '../views/layout.js';
import type { ExtraExchange } from './flow-run.js';
import { formOf } from './form-input.js';
import { metadataDocumentSignInRoutes } from './metadata-document-sign-in.js';
import {
  clientMetadataDocument, DEFAULT_CLIENT_NAME, METADATA_DOCUMENT_PATH, REGISTRATION_NOTES, REGISTRATION_PATH, registrationRequest,
} from './registration-content.js';

/** What a registration's answer carries that the page must never show (RFC 7591 §3.2.1). */
const CREDENTIAL_MEMBERS = ['client_secret', 'registration_access_token'];
/** The exchanges a visitor's page keeps: the latest ones. */
const MAX_EXCHANGES = 8;

interface RegistrationState {
  exchanges: ExtraExchange[];
  /** The client registered last, and its registration access token (kept here, never rendered). */
  registered?: { clientId: string; uri: string; token: string; deleted: boolean };
  problem?: string;
}

const SLOT = new SessionSlot<RegistrationState>('registration', () => ({ exchanges: [] }));

function keep(state: RegistrationState, extra: ExtraExchange): void {
  state.exchanges.push(extra);
  while (state.exchanges.length > MAX_EXCHANGES) state.exchanges.shift();
}

/** How often the Auth Server (or anyone) fetched the playground's metadata document: proof of what the page says. */
interface DocumentFetches {
  count: number;
  last?: number;
}

/**
 * The registration page: dynamic client registration (RFC 7591) and its management protocol
 * (RFC 7592) played for real against the Auth Server, and a Client ID Metadata Document the
 * playground serves, with what the Auth Server does with it in this demo.
 */
export function registrationRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const document = clientMetadataDocument(ctx.urls);
  const documentUrl = String(document.client_id);
  const fetches: DocumentFetches = { count: 0 };

  app.get(METADATA_DOCUMENT_PATH, async (_request, reply) => {
    fetches.count += 1;
    fetches.last = ctx.clock.nowSeconds();
    // The Auth Server keeps a document for its max-age (1 minute at least): short, so an edit shows soon.
    return reply.type('application/json').header('cache-control', 'max-age=60').header('x-content-type-options', 'nosniff').send(document);
  });

  app.get(REGISTRATION_PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    const state = session.get(SLOT);
    let metadata: oauth.AuthorizationServer | undefined;
    try {
      metadata = await ctx.authorizationServer.get();
    } catch {
      metadata = undefined;
    }
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(registrationPage(ctx, session.csrfToken, state, metadata, { document, documentUrl, fetches }));
  });

  app.post(`${REGISTRATION_PATH}/register`, async (request, reply) => {
    const state = ctx.sessions.forForm(request, reply).get(SLOT);
    state.problem = undefined;
    const name = (formOf(request).get('client_name') ?? '').trim().slice(0, 100) || DEFAULT_CLIENT_NAME;
    const as = await ctx.authorizationServer.get();
    if (as.registration_endpoint === undefined) {
      state.problem = 'The Auth Server has no registration_endpoint: dynamic registration is off. Start the demo with --dynamic-registration open.';
      return reply.redirect(REGISTRATION_PATH, 303);
    }
    const outcome = await recordedHttp(ctx.allowHttp, as.registration_endpoint, {
      method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: JSON.stringify(registrationRequest(name)),
    });
    if (!outcome.ok) {
      state.problem = outcome.problem;
      return reply.redirect(REGISTRATION_PATH, 303);
    }
    keep(state, { title: `Register "${name}" (POST /register)`, exchange: maskedExchange(outcome.exchange, { jsonMembers: CREDENTIAL_MEMBERS }), notes: outcome.status === 201 ? [...REGISTRATION_NOTES.register] : [refusal(outcome.status, outcome.json)] });
    const answer = outcome.json as Record<string, unknown> | undefined;
    if (outcome.status === 201 && typeof answer?.client_id === 'string' && typeof answer.registration_access_token === 'string' && typeof answer.registration_client_uri === 'string') {
      state.registered = { clientId: answer.client_id, uri: answer.registration_client_uri, token: answer.registration_access_token, deleted: false };
    } else {
      state.problem = refusal(outcome.status, outcome.json);
    }
    return reply.redirect(`${REGISTRATION_PATH}#dcr`, 303);
  });

  for (const action of ['read', 'delete'] as const) {
    app.post(`${REGISTRATION_PATH}/${action}`, async (request, reply) => {
      const state = ctx.sessions.forForm(request, reply).get(SLOT);
      state.problem = undefined;
      const registered = state.registered;
      if (!registered) return reply.redirect(REGISTRATION_PATH, 303);
      const outcome = await recordedHttp(ctx.allowHttp, registered.uri, {
        method: action === 'read' ? 'GET' : 'DELETE', headers: { authorization: `Bearer ${registered.token}`, accept: 'application/json' },
      });
      if (!outcome.ok) {
        state.problem = outcome.problem;
        return reply.redirect(REGISTRATION_PATH, 303);
      }
      const notes = action === 'delete' ? REGISTRATION_NOTES.delete : registered.deleted ? REGISTRATION_NOTES.readAfterDelete : REGISTRATION_NOTES.read;
      const title = action === 'read'
        ? `${registered.deleted ? 'Read the deleted registration' : 'Read the registration back'} (GET ${new URL(registered.uri).pathname})`
        : `Delete the registration (DELETE ${new URL(registered.uri).pathname})`;
      keep(state, { title, exchange: maskedExchange(outcome.exchange, { jsonMembers: CREDENTIAL_MEMBERS, bearer: true }), notes: [...notes] });
      if (action === 'delete' && outcome.status === 204) registered.deleted = true;
      return reply.redirect(`${REGISTRATION_PATH}#dcr`, 303);
    });
  }

  app.post(`${REGISTRATION_PATH}/probe-document`, async (request, reply) => {
    const state = ctx.sessions.forForm(request, reply).get(SLOT);
    state.problem = undefined;
    const as = await ctx.authorizationServer.get();
    if (as.authorization_endpoint === undefined) return reply.redirect(REGISTRATION_PATH, 303);
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', documentUrl);
    url.searchParams.set('redirect_uri', String((document.redirect_uris as string[])[0]));
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', oauth.generateRandomState());
    const before = fetches.count;
    const outcome = await recordedHttp(ctx.allowHttp, url.href, { method: 'GET', headers: { accept: 'text/html' } });
    if (!outcome.ok) {
      state.problem = outcome.problem;
      return reply.redirect(REGISTRATION_PATH, 303);
    }
    const fetched = fetches.count > before;
    keep(state, {
      title: 'GET /authorize with the document\'s URL as client_id',
      exchange: outcome.exchange,
      notes: [outcome.status >= 400
        ? `${outcome.status}: the Auth Server does not know this client_id, and shows its error page instead of redirecting (RFC 6749 §4.1.2.1: never redirect to an unverified redirect_uri). ${fetched ? 'It did fetch the document.' : 'It did not fetch the document: client ID metadata documents are off, or this URL is not one it may fetch.'}`
        : `${outcome.status}: the Auth Server accepted the client_id: it ${fetched ? 'fetched the document just now' : 'used the copy it keeps for the document\'s max-age'}, checked it, and would now sign you in and ask for consent for "${String(document.client_name)}".`],
    });
    return reply.redirect(`${REGISTRATION_PATH}#cimd`, 303);
  });

  metadataDocumentSignInRoutes(app, ctx, { clientId: documentUrl, redirectUri: String((document.redirect_uris as string[])[0]) }, (session, extra) => {
    const state = session.get(SLOT);
    if ('problem' in extra) state.problem = extra.problem;
    else keep(state, extra);
  });

  app.post(`${REGISTRATION_PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(SLOT);
    return reply.redirect(REGISTRATION_PATH, 303);
  });
}

/** An RFC 7591 §3.2.2 error answer, in words; the server's description is its fixed text. */
function refusal(status: number, body: unknown): string {
  const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof error.error === 'string' ? error.error : `HTTP ${status}`;
  const description = typeof error.error_description === 'string' ? ` (${error.error_description})` : '';
  return `The Auth Server refused: ${code}${description}.${status === 429 ? ' It counts registrations per address (--dynamic-registration-rate-limit): wait, then try again.' : ''}`;
}

interface DocumentView {
  document: Record<string, unknown>;
  documentUrl: string;
  fetches: DocumentFetches;
}

function registrationPage(ctx: PlaygroundContext, csrf: string, state: RegistrationState, metadata: oauth.AuthorizationServer | undefined, doc: DocumentView): string {
  const endpoint = metadata?.registration_endpoint;
  const cimdOn = metadata?.client_id_metadata_document_supported === true;
  const registered = state.registered;
  const controls: SafeHtml[] = [];
  if (endpoint !== undefined) {
    controls.push(actionForm(`${REGISTRATION_PATH}/register`, csrf, registered && !registered.deleted ? 'Register another client' : 'Register a client (POST /register)', {
      primary: !registered || registered.deleted,
      fields: html`<label class="inline">client_name <input name="client_name" value="${DEFAULT_CLIENT_NAME}" maxlength="100"></label>`,
    }));
    if (registered) {
      controls.push(actionForm(`${REGISTRATION_PATH}/read`, csrf, registered.deleted ? 'Read it again, after the delete (GET)' : 'Read it back (GET, RFC 7592)', { primary: !registered.deleted }));
      if (!registered.deleted) controls.push(actionForm(`${REGISTRATION_PATH}/delete`, csrf, 'Delete it (DELETE, RFC 7592)', { primary: false }));
    }
  }
  const lastFetch = doc.fetches.last === undefined ? '' : `, last at ${isoTime(doc.fetches.last)}`;
  const body = html`<main class="home tools-page" data-page="registration">
<section class="hero">
<h1>Registration: clients that introduce themselves</h1>
<p class="lede">Every other page of the playground uses a client an administrator registered (the demo seed). Here the Client registers itself at the Auth Server over HTTP, manages its registration, and shows the other way a client can introduce itself: a metadata document at a URL that is its client_id.</p>
</section>
${state.problem ? html`<p class="alert" role="alert">${state.problem}</p>` : ''}
<section class="panel" id="dcr" aria-labelledby="dcr-title">
<h2 id="dcr-title">Dynamic client registration (RFC 7591, RFC 7592)</h2>
${endpoint !== undefined
    ? html`<p>The Auth Server's metadata names a <code>registration_endpoint</code>: <code>${endpoint}</code>. <code>tessera demo</code> turns on <code>--dynamic-registration open</code> (anyone may register, a few times per address per 15 minutes); <code>tessera serve</code> keeps it off unless you choose <code>open</code> or <code>token</code> (docs/CONFIGURATION.md).</p>`
    : metadata === undefined
      ? html`<p class="alert">The Client could not read the Auth Server's metadata at ${ctx.urls.authorizationServer}: is it running?</p>`
      : html`<p class="alert">The Auth Server's metadata names no <code>registration_endpoint</code>: dynamic registration is off. Start the demo with <code>--dynamic-registration open</code> to try it here.</p>`}
${scrollableCode('registration-metadata', 'The Client sends this metadata (RFC 7591 §2):', JSON.stringify(registrationRequest(DEFAULT_CLIENT_NAME), null, 2))}
${registered ? html`<p>Registered last: <code>${registered.clientId}</code>${registered.deleted ? ' (deleted)' : ''}. The Client keeps its registration access token in its session; this page shows it masked, like the secret.</p>` : ''}
<div class="controls">${controls}${state.exchanges.length > 0 ? actionForm(`${REGISTRATION_PATH}/reset`, csrf, 'Start over', { primary: false }) : ''}</div>
</section>
${state.exchanges.length > 0 ? html`<section class="extras" id="exchanges" aria-label="The exchanges"><h2 class="section-title">The exchanges, as they happened</h2>
${state.exchanges.map((extra) => extraExchangeView(extra.title, extra.exchange, extra.notes))}</section>` : ''}
<section class="panel" id="cimd" aria-labelledby="cimd-title">
<h2 id="cimd-title">Client ID Metadata Documents</h2>
<p>Instead of registering, a client can make its <code>client_id</code> an https URL that serves its metadata (draft-ietf-oauth-client-id-metadata-document). The Auth Server fetches the document when the client_id first arrives at <code>/authorize</code>, checks that its <code>client_id</code> is its own URL, and uses it like a registration it never stores. The playground serves one at <a href="${doc.documentUrl}"><code>${doc.documentUrl}</code></a>.</p>
${scrollableCode('metadata-document', 'The playground\'s client ID metadata document:', JSON.stringify(doc.document, null, 2))}
${cimdOn
    ? html`<p>This Auth Server accepts metadata documents (<code>client_id_metadata_document_supported</code> in its metadata), and fetches this one although it is plain http on 127.0.0.1: it was started with <code>--cimd-allow-private-hosts</code>, a development-only flag.</p>`
    : html`<p>This Auth Server does not accept metadata documents now: its metadata has no <code>client_id_metadata_document_supported</code>. Two reasons, both by design. The draft requires the client_id to be an <strong>https</strong> URL (§3), and this demo serves plain http on ${new URL(ctx.urls.client).host}; and fetching a URL the caller chose is off by default (<code>--client-id-metadata-documents off</code>). For local development, <code>tessera demo --client-id-metadata-documents on --cimd-allow-private-hosts</code> accepts http documents on loopback addresses; the demo does not turn that on for you, because it lets any caller make the Auth Server fetch addresses on your machine and network.</p>`}
<p>Ask the Auth Server for real what it makes of this client_id: the Client sends <code>GET /authorize</code> with it, as a browser would, and shows the answer.</p>
<p class="fine">The document was fetched <span data-document-fetches>${doc.fetches.count}</span> time(s) since the playground started${lastFetch}.</p>
${actionForm(`${REGISTRATION_PATH}/probe-document`, csrf, 'Ask the Auth Server about this client_id', { primary: false })}
${cimdOn ? html`<p>Or sign in for real with this client: your browser goes to the Auth Server with the document's URL as client_id (a public client: PKCE, no secret), and comes back to the document's redirect_uri.</p>
${actionForm(`${REGISTRATION_PATH}/document-sign-in`, csrf, 'Sign in with the metadata-document client')}` : ''}
</section>
</main>`;
  return layout({ title: 'Registration', active: 'registration', urls: ctx.urls, body, scripts: [] });
}
