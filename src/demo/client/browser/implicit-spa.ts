import { controlText, stepSpec } from '../content/flow-content.js';
import { IMPLICIT_FLOW as FLOW } from '../content/implicit.js';
import { decodeJwt } from '../exchange/decode-jwt.js';
import type { Exchange, NameValue } from '../exchange/exchange.js';
import { exchangeRecords, type StepRecord } from '../flows/flow-run.js';
import { html } from '../../../html/html.js';
import { stepCard } from '../views/exchange-view.js';
import { tokenExpiry, tokenLifeView } from '../views/token-life.js';
import { copyButtons } from './copy-buttons.js';
import { startCountdowns } from './countdown.js';
import type { ImplicitSpaConfig } from './implicit-spa-config.js';

/**
 * The implicit grant's Client: a single-page app, running in the visitor's browser as such apps
 * did. It sends the browser to the Auth Server with response_type=token, reads the access token
 * from the URL fragment on return, and calls the Resource Server with fetch (CORS).
 *
 * An ordinary module, bundled by esbuild (scripts/bundle-browser.mjs): it renders each lit step
 * with the server's own step card (views/exchange-view.ts) and copy (content/implicit.ts).
 */

type StepId = typeof FLOW.steps[number]['id'];

interface SpaState {
  state?: string;
  authorizationUrl?: string;
  accessToken?: string;
  steps: Partial<Record<StepId, StepRecord>>;
  problem?: string;
}

const STORAGE_KEY = 'tessera-playground-implicit';

function load(): SpaState {
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) return JSON.parse(saved) as SpaState;
  } catch {
    // A corrupt entry is as good as none.
  }
  return { steps: {} };
}

// The token is kept in sessionStorage, readable by any script of this origin: one of the
// reasons RFC 9700 §2.1.2 tells browser apps to leave this grant.
function save(state: SpaState): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
}

function shorten(name: string, value: string, keep = 48): NameValue {
  return value.length <= keep + 12 ? { name, value } : { name, value: `${value.slice(0, keep)}…${value.slice(-8)}`, full: value };
}

function params(search: URLSearchParams): NameValue[] {
  return [...search].map(([name, value]) => shorten(name, value));
}

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function navigationExchange(href: string): Exchange {
  const url = new URL(href);
  return { vantage: 'redirect', request: { method: 'GET', url: `${url.origin}${url.pathname}`, query: params(url.searchParams), headers: [] }, jwts: [] };
}

function lit(step: StepId, exchange: Exchange, state: StepRecord['state'], part: StepRecord['part'] = 'request'): StepRecord {
  return { exchange, part, state, notes: stepSpec(FLOW, step).notes };
}

function render(state: SpaState, fresh: readonly StepId[]): void {
  const now = Date.now() / 1000;
  for (const step of FLOW.diagram.steps) {
    const record = state.steps[step.id as StepId];
    if (!record) continue;
    const card = document.getElementById(`step-${step.id}`);
    if (card) card.outerHTML = stepCard(step, record, fresh.includes(step.id as StepId), { diagram: FLOW.diagram, now }).value;
    const arrow = document.getElementById(`diagram-step-${step.id}`);
    if (arrow) {
      const freshIndex = fresh.indexOf(step.id as StepId);
      arrow.setAttribute('class', `seq-step ${record.state === 'failed' ? 'is-failed' : 'is-done'}${freshIndex < 0 ? '' : ` is-fresh delay-${Math.min(freshIndex, 5)}`}`);
    }
  }
  const answer = state.steps['resource-response'];
  const phase = state.accessToken === undefined ? 'idle' : answer ? (answer.state === 'failed' ? 'refused' : 'done') : 'token';
  for (const element of document.querySelectorAll<HTMLElement>('[data-show-when]')) {
    element.hidden = !(element.dataset.showWhen ?? '').split(' ').includes(phase);
  }
  // The token's remaining life from its exp, by this browser's clock: the token lives only here.
  const exp = tokenExpiry(state.accessToken);
  const offers = html`<div class="token-offers"><div class="action-form"><button type="button" data-spa-reset>${controlText(FLOW, 'new-token')}</button></div><p>${controlText(FLOW, 'no-refresh')} <a href="/refresh-token">${controlText(FLOW, 'refresh-page')}</a></p></div>`;
  for (const slot of document.querySelectorAll<HTMLElement>('[data-show-when]:not([hidden]) [data-spa-token-life]')) {
    slot.innerHTML = exp === undefined ? '' : tokenLifeView({ exp, now, offers: phase === 'refused' ? html`` : offers }).value;
  }
  startCountdowns();
  copyButtons();
  const reset = document.getElementById('spa-reset');
  // Once the token is expired or refused, the offers hold the one Start over.
  if (reset) reset.hidden = (Object.keys(state.steps).length === 0 && !state.problem) || phase === 'refused' || (exp !== undefined && exp <= now);
  const problem = document.getElementById('spa-problem');
  if (problem) {
    problem.hidden = !state.problem;
    problem.textContent = state.problem ?? '';
  }
}

function start(config: ImplicitSpaConfig): void {
  const scopes = [...document.querySelectorAll<HTMLInputElement>('input[name="scope"]:checked')].map((input) => input.value);
  const state: SpaState = { state: randomState(), steps: {} };
  const url = new URL(config.authorizationEndpoint);
  url.searchParams.set('response_type', 'token');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('scope', (scopes.length > 0 ? scopes : ['read']).join(' '));
  url.searchParams.set('state', state.state ?? '');
  url.searchParams.set('resource', config.resource);
  state.authorizationUrl = url.href;
  state.steps['ask-for-resources'] = lit('ask-for-resources',
    { vantage: 'browser', request: { method: 'click', url: location.href, query: [], headers: [], text: controlText(FLOW, 'click') }, jwts: [] }, 'done');
  state.steps['redirect-to-auth-server'] = lit('redirect-to-auth-server', navigationExchange(url.href), 'done');
  save(state);
  location.assign(url.href);
}

function receiveToken(state: SpaState, config: ImplicitSpaConfig): StepId[] {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const landed = `${location.origin}${location.pathname}`;
  // The token must not stay in the address bar or in this history entry (RFC 9700 §4.3.2).
  history.replaceState(null, '', config.pagePath);
  if (!state.authorizationUrl) {
    state.problem = FLOW.problems['not-started'];
    return [];
  }
  state.steps['user-at-auth-server'] = lit('user-at-auth-server', navigationExchange(state.authorizationUrl), 'done');
  const accessToken = fragment.get('access_token');
  const error = fragment.get('error');
  const stateMatches = fragment.get('state') === state.state;
  const jwt = accessToken ? decodeJwt(accessToken, 'access_token in the fragment') : undefined;
  const ok = !error && accessToken !== null && stateMatches;
  const callback: Exchange = {
    vantage: 'browser',
    request: { kind: 'The page loaded at', method: 'GET', url: landed, query: [], headers: [], fragment: params(fragment) },
    jwts: jwt ? [jwt] : [],
  };
  state.steps['callback-with-token'] = lit('callback-with-token', callback, ok ? 'done' : 'failed');
  // The state first (RFC 6749 §10.12): a fragment with a wrong state is anyone's link, so its error
  // and error_description are not the Auth Server's answer and are never shown as one.
  if (!stateMatches) {
    state.problem = FLOW.problems['state-mismatch'];
    state.steps['callback-with-token'].rejectedByClient = true;
  } else if (error) state.problem = `The Auth Server answered ${error}${fragment.get('error_description') ? `: ${fragment.get('error_description')}` : ''}`;
  else if (accessToken) state.accessToken = accessToken;
  if (!ok && state.problem) state.steps['callback-with-token'].problem = state.problem;
  state.state = undefined;
  return ['user-at-auth-server', 'callback-with-token'];
}

const RESPONSE_HEADERS: Record<string, string> = {
  'content-type': 'Content-Type', 'cache-control': 'Cache-Control', 'www-authenticate': 'WWW-Authenticate', 'access-control-allow-origin': 'Access-Control-Allow-Origin',
};

async function callResourceServer(state: SpaState, config: ImplicitSpaConfig): Promise<StepId[]> {
  if (!state.accessToken) return [];
  const request: Exchange['request'] = {
    method: 'GET', url: config.resourcesUrl, query: [],
    headers: [
      { name: 'Authorization', value: `Bearer ${shorten('', state.accessToken, 32).value}`, full: `Bearer ${state.accessToken}` },
      { name: 'Accept', value: 'application/json' },
      { name: 'Origin', value: location.origin },
    ],
  };
  state.problem = undefined;
  try {
    const response = await fetch(config.resourcesUrl, { headers: { Authorization: `Bearer ${state.accessToken}`, Accept: 'application/json' } });
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const headers = Object.entries(RESPONSE_HEADERS).flatMap(([name, display]) => {
      const header = response.headers.get(name);
      return header === null ? [] : [{ name: display, value: header }];
    });
    const exchange: Exchange = {
      vantage: 'browser', request,
      response: {
        status: response.status, statusText: response.statusText || (response.ok ? 'OK' : ''), headers,
        ...(text === '' ? {} : { body: value === undefined ? { type: 'text' as const, text } : { type: 'json' as const, value } }),
      },
      jwts: [],
    };
    for (const [id, record] of exchangeRecords(FLOW, 'resource-request', 'resource-response', exchange, response.ok ? 'done' : 'failed')) state.steps[id] = record;
    if (!response.ok) {
      // The error code only (RFC 6750 §3): its description is on the card, explained.
      const code = /\berror="([A-Za-z_]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
      state.problem = `The Resource Server refused the token: HTTP ${response.status}${code ? ` ${code}` : ''}.`;
    }
  } catch (error) {
    state.problem = `${FLOW.problems.unreachable} ${(error as Error).message}`;
  }
  return ['resource-request', 'resource-response'];
}

function startImplicitSpa(): void {
  const configElement = document.getElementById('spa-config');
  if (!configElement?.textContent) return;
  const config = JSON.parse(configElement.textContent) as ImplicitSpaConfig;
  const state = load();
  // The listeners first: whatever the saved state holds, Start over must work, or one bad state
  // (saved in sessionStorage) would break the page for every reload.
  listen(state, config);
  let fresh: StepId[] = [];
  if (location.hash.length > 1) {
    fresh = receiveToken(state, config);
    save(state);
  }
  safeRender(state, fresh);
  if (fresh.length > 0) document.getElementById('run')?.scrollIntoView({ block: 'start' });
}

/** Renders, and when the state cannot be rendered says so and offers Start over instead of a broken page. */
function safeRender(state: SpaState, fresh: readonly StepId[]): void {
  try {
    render(state, fresh);
  } catch {
    const reset = document.getElementById('spa-reset');
    if (reset) reset.hidden = false;
    const problem = document.getElementById('spa-problem');
    if (problem) {
      problem.hidden = false;
      problem.textContent = FLOW.problems['unrenderable'];
    }
  }
}

function listen(state: SpaState, config: ImplicitSpaConfig): void {
  document.getElementById('spa-start')?.addEventListener('click', () => start(config));
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-spa-call]')) {
    button.addEventListener('click', () => {
      button.disabled = true;
      void callResourceServer(state, config).then((lit) => {
        save(state);
        safeRender(state, lit);
        button.disabled = false;
        document.getElementById('run')?.scrollIntoView({ block: 'start' });
      });
    });
  }
  // Start over, from the reset button or an offer of a new token (rendered later, hence delegated).
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('#spa-reset, [data-spa-reset]') : null;
    if (!target) return;
    sessionStorage.removeItem(STORAGE_KEY);
    location.assign(config.pagePath);
  });
}

startImplicitSpa();
