import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS } from '../../demo-seed.js';
import { decodeJwt } from '../exchange/decode-jwt.js';
import { OBTAINED_TOKENS, type ObtainedToken } from '../obtained-tokens.js';
import { recordedHttp } from '../oauth/recorded-http.js';
import { listResources } from '../oauth/resource-server-calls.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { SessionSlot, type PlaygroundSession } from '../playground-sessions.js';
import { isoTime } from '../views/claim-time.js';
import { extraExchangeView } from '../views/exchange-view.js';
import { actionForm } from '../views/flow-page.js';
import { layout } from '../views/layout.js';
import type { ExtraExchange } from './flow-run.js';
import { formOf } from './form-input.js';
import { resourceServerVerdict, TOKEN_NOTES, TOKENS_PATH } from './token-tools-content.js';

/** The playground's confidential clients: the ones that may introspect (RFC 7662 §2.1), by client_id. */
const CONFIDENTIAL_CLIENTS = new Map<string, { clientId: string; clientName: string; clientSecret: string }>(Object.values(PLAYGROUND_CLIENTS).flatMap((client) => (client.clientSecret === null ? [] : [[client.clientId, { ...client, clientSecret: client.clientSecret }] as const])));
const MAX_EXCHANGES = 10;
/** A pasted token longer than this is not one of Tessera's. */
const MAX_PASTED = 4096;

interface TokenToolsState {
  exchanges: ExtraExchange[];
  problem?: string;
}

const SLOT = new SessionSlot<TokenToolsState>('token-tools', () => ({ exchanges: [] }));

/** The token the form names: one the flows obtained (by its index), or a pasted one with the client chosen for it. */
function chosenToken(session: PlaygroundSession, form: URLSearchParams): { token: string; clientId: string; kept?: ObtainedToken } | { problem: string } {
  const pick = form.get('pick') ?? '';
  if (pick !== 'paste') {
    const kept = session.get(OBTAINED_TOKENS)[Number(pick)];
    if (!/^\d+$/.test(pick) || !kept) return { problem: 'Choose a token, or paste one.' };
    return { token: kept.token, clientId: kept.clientId, kept };
  }
  const token = (form.get('token') ?? '').trim();
  const clientId = form.get('client') ?? '';
  if (token === '' || token.length > MAX_PASTED || /\s/.test(token)) return { problem: 'Paste one token (no spaces, at most 4096 characters).' };
  if (!CONFIDENTIAL_CLIENTS.has(clientId)) return { problem: 'Choose the client to authenticate as.' };
  return { token, clientId };
}

/**
 * The tokens page: a token one of the flows obtained in this session (or a pasted one),
 * introspected (RFC 7662) and revoked (RFC 7009) as the client it was issued to, then introspected
 * again, and presented to the Resource Server, to show who sees a revocation and who does not.
 */
export function tokenToolsRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  /** POSTs the token to the introspection or revocation endpoint, authenticated with client_secret_basic (RFC 6749 §2.3.1). */
  async function tokenEndpointCall(endpoint: 'introspection_endpoint' | 'revocation_endpoint', token: string, clientId: string, hint: string | undefined) {
    const as = await ctx.authorizationServer.get();
    const url = as[endpoint];
    const client = CONFIDENTIAL_CLIENTS.get(clientId);
    if (typeof url !== 'string' || !client) return { ok: false as const, problem: `The Auth Server's metadata has no ${endpoint}.` };
    const encode = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);
    const body = new URLSearchParams({ token, ...(hint ? { token_type_hint: hint } : {}) });
    return recordedHttp(ctx.allowHttp, url, {
      method: 'POST',
      headers: {
        'authorization': `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded', 'accept': 'application/json',
      },
      body: body.toString(),
    });
  }

  /** A form of the page: its session, the page's state (its last problem cleared), and the token it names, if any. */
  function chosenFromForm(request: FastifyRequest, reply: FastifyReply) {
    const session = ctx.sessions.forForm(request, reply);
    const state = session.get(SLOT);
    state.problem = undefined;
    const picked = chosenToken(session, formOf(request));
    if ('problem' in picked) state.problem = picked.problem;
    return { session, state, chosen: 'problem' in picked ? undefined : picked };
  }

  app.get(TOKENS_PATH, async (request, reply) => {
    const session = ctx.sessions.of(request, reply);
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(tokensPage(ctx, session.csrfToken, session.get(OBTAINED_TOKENS), session.get(SLOT)));
  });

  app.post(`${TOKENS_PATH}/introspect`, async (request, reply) => {
    const { session, state, chosen } = chosenFromForm(request, reply);
    if (!chosen) return reply.redirect(TOKENS_PATH, 303);
    const outcome = await tokenEndpointCall('introspection_endpoint', chosen.token, chosen.clientId, chosen.kept?.kind);
    if (!outcome.ok) state.problem = outcome.problem;
    else keep(state, { title: withActive(`Introspect as ${chosen.clientId} (POST /introspect)`, outcome.json), exchange: outcome.exchange, notes: [activeNote(outcome.json), ...TOKEN_NOTES.introspect] });
    return reply.redirect(`${TOKENS_PATH}#exchanges`, 303);
  });

  app.post(`${TOKENS_PATH}/revoke`, async (request, reply) => {
    const { session, state, chosen } = chosenFromForm(request, reply);
    if (!chosen) return reply.redirect(TOKENS_PATH, 303);
    const jwt = decodeJwt(chosen.token, 'the token');
    const kind = chosen.kept?.kind ?? (jwt ? 'access_token' : 'refresh_token');
    const revoked = await tokenEndpointCall('revocation_endpoint', chosen.token, chosen.clientId, kind);
    if (!revoked.ok) {
      state.problem = revoked.problem;
      return reply.redirect(TOKENS_PATH, 303);
    }
    keep(state, {
      title: `Revoke as ${chosen.clientId} (POST /revoke)`, exchange: revoked.exchange,
      notes: [...TOKEN_NOTES.revoke, kind === 'access_token' ? TOKEN_NOTES.revokeAccess : TOKEN_NOTES.revokeRefresh],
    });
    if (revoked.status === 200 && chosen.kept) chosen.kept.revokedAt = ctx.clock.nowSeconds();
    const again = await tokenEndpointCall('introspection_endpoint', chosen.token, chosen.clientId, kind);
    if (again.ok) keep(state, { title: withActive('Introspect again, after the revocation', again.json), exchange: again.exchange, notes: [activeNote(again.json)] });
    // A refresh token's revocation ends its grant: the access token issued with it is asked about too, if it has not expired.
    const sibling = kind === 'refresh_token' && chosen.kept
      ? session.get(OBTAINED_TOKENS).find((entry) => entry.response === chosen.kept?.response && entry.kind === 'access_token')
      : undefined;
    const siblingExp = sibling ? decodeJwt(sibling.token, '')?.payload.exp : undefined;
    if (sibling && typeof siblingExp === 'number' && siblingExp > ctx.clock.nowSeconds()) {
      const family = await tokenEndpointCall('introspection_endpoint', sibling.token, sibling.clientId, 'access_token');
      if (family.ok) {
        const active = (family.json as { active?: unknown } | undefined)?.active;
        keep(state, {
          title: withActive('Introspect the access token issued with that refresh token', family.json), exchange: family.exchange,
          notes: [active === false ? TOKEN_NOTES.familyEnded : activeNote(family.json)],
        });
      }
    }
    // The Resource Server, with the revoked access token: only a token meant for it (its aud) says anything.
    const audience = jwt?.payload.aud;
    if (kind === 'access_token' && jwt && (audience === ctx.urls.resourceServer || (Array.isArray(audience) && audience.includes(ctx.urls.resourceServer)))) {
      const call = await listResources(ctx.urls.resourceServer, chosen.token, ctx.allowHttp);
      const exp = typeof jwt.payload.exp === 'number' ? isoTime(jwt.payload.exp) : undefined;
      if (call.exchange) keep(state, { title: 'Call the Resource Server with the revoked access token', exchange: call.exchange, notes: [resourceServerVerdict(call.exchange.response?.status ?? 0, exp)] });
    } else if (kind === 'access_token') {
      state.problem = 'This access token is not meant for the demo Resource Server (its aud is another API, e.g. UserInfo on the OpenID Connect page), so the page does not call it.';
    }
    return reply.redirect(`${TOKENS_PATH}#exchanges`, 303);
  });

  app.post(`${TOKENS_PATH}/reset`, async (request, reply) => {
    ctx.sessions.forForm(request, reply).reset(SLOT);
    return reply.redirect(TOKENS_PATH, 303);
  });
}

function keep(state: TokenToolsState, extra: ExtraExchange): void {
  state.exchanges.push(extra);
  while (state.exchanges.length > MAX_EXCHANGES) state.exchanges.shift();
}

/** An introspection's title with its outcome, so the list says it without opening the row (RFC 7662 §2.2: active). */
function withActive(title: string, body: unknown): string {
  const active = (body as { active?: unknown } | undefined)?.active;
  return typeof active === 'boolean' ? `${title}: active: ${String(active)}` : title;
}

function activeNote(body: unknown): string {
  const answer = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (answer.active === true) return `"active": true: the token is live, and the answer says what it is for (scope ${String(answer.scope ?? '')}, client_id, sub, aud, exp).`;
  if (answer.active === false) return '"active": false: revoked, expired, unknown, or not this client\'s to ask about; RFC 7662 §2.2 says no more than that.';
  return 'The Auth Server did not answer with an introspection response; see the status and body.';
}

function tokenLabel(entry: ObtainedToken, now: number): SafeHtml {
  const exp = decodeJwt(entry.token, '')?.payload.exp;
  const life = typeof exp === 'number' ? (exp > now ? `expires ${isoTime(exp)}` : `expired ${isoTime(exp)}`) : 'refresh token (opaque)';
  const shown = entry.token.length > 40 ? `${entry.token.slice(0, 24)}…${entry.token.slice(-8)}` : entry.token;
  return html`<strong>${entry.kind}</strong> of <code>${entry.clientId}</code> from the <a href="/${entry.flow}">${entry.flow}</a> page, obtained ${isoTime(entry.obtainedAt)}; ${life}${entry.revokedAt !== undefined ? html`; <strong>revoked here</strong> ${isoTime(entry.revokedAt)}` : ''}<br><code title="${entry.token}">${shown}</code>`;
}

function tokensPage(ctx: PlaygroundContext, csrf: string, tokens: readonly ObtainedToken[], state: TokenToolsState): string {
  const now = ctx.clock.nowSeconds();
  const choices = html`<fieldset><legend>The token</legend>
${tokens.length === 0 ? html`<p class="muted">No flow has obtained a token in this browser session yet: run one (e.g. <a href="/client-credentials">Client Credentials</a>, or <a href="/password">Password</a>), or paste a token below. The Implicit page's token lives only in your browser, so it is not listed: paste it.</p>` : ''}
<ul class="token-list">${[...tokens].reverse().map((entry) => {
    const index = tokens.indexOf(entry);
    return html`<li><label><input type="radio" name="pick" value="${String(index)}"${index === tokens.length - 1 ? html` checked` : ''}> <span>${tokenLabel(entry, now)}</span></label></li>`;
  })}
<li><label><input type="radio" name="pick" value="paste"${tokens.length === 0 ? html` checked` : ''}> <span>Paste a token, and choose the client to authenticate as:</span></label>
<textarea name="token" rows="3" maxlength="${String(MAX_PASTED)}" aria-label="The pasted token" spellcheck="false"></textarea>
<label class="inline">client <select name="client">${[...CONFIDENTIAL_CLIENTS.values()].map((client) => html`<option value="${client.clientId}">${client.clientId} (${client.clientName})</option>`)}</select></label></li>
</ul></fieldset>`;
  const body = html`<main class="home tools-page" data-page="tokens">
<section class="hero">
<h1>Introspect and revoke a token</h1>
<p class="lede">Ask the Auth Server whether a token is still good (RFC 7662 introspection), take it back (RFC 7009 revocation), and see who notices: the Auth Server at once, the demo Resource Server not at all.</p>
</section>
${state.problem ? html`<p class="alert" role="alert">${state.problem}</p>` : ''}
<section class="panel" aria-labelledby="tokens-title">
<h2 id="tokens-title">Choose a token</h2>
<p>The Client authenticates as the client the token was issued to (client_secret_basic, masked below): Tessera lets a confidential client introspect and revoke its own tokens. The Implicit page's client is public, so it may revoke but not introspect.</p>
<form method="post" action="${TOKENS_PATH}/introspect" class="action-form token-form">
<input type="hidden" name="csrf" value="${csrf}">
${choices}
<button type="submit">Introspect (RFC 7662)</button>
<button type="submit" class="secondary" formaction="${TOKENS_PATH}/revoke">Revoke (RFC 7009), introspect again, call the Resource Server</button>
</form>
${state.exchanges.length > 0 ? actionForm(`${TOKENS_PATH}/reset`, csrf, 'Clear the exchanges', { primary: false }) : ''}
</section>
${state.exchanges.length > 0 ? html`<section class="extras" id="exchanges" aria-label="The exchanges"><h2 class="section-title">The exchanges, as they happened</h2>
${state.exchanges.map((extra) => extraExchangeView(extra.title, extra.exchange, extra.notes))}</section>` : ''}
<section class="panel" aria-labelledby="deny-title">
<h2 id="deny-title">Who sees a revocation</h2>
<ul>
<li><strong>The Auth Server</strong>, at once: access tokens are not stored, so a revoked one goes on a deny list (its jti until its exp; a whole grant as one row), which introspection reads on every call.</li>
<li><strong>An API that introspects</strong> (tessera/resource with <code>checkRevocation</code>, or introspection alone) within its few seconds of cache.</li>
<li><strong>The demo Resource Server</strong>: never. It verifies each JWT with the Auth Server's published keys and asks nobody, as most APIs do; a revoked access token works there until its exp. Short access-token lifetimes bound that.</li>
</ul>
</section>
</main>`;
  return layout({ title: 'Introspect and revoke', active: 'tokens', urls: ctx.urls, body, scripts: [] });
}
