import type { ImplicitSpaConfig } from './implicit-spa-config.js';

/**
 * The implicit grant's Client: a single-page app, running in the visitor's browser as such apps
 * did. It sends the browser to the Auth Server with response_type=token, reads the access token
 * from the URL fragment on return, and calls the Resource Server with fetch (CORS).
 *
 * Served as `(${implicitSpa})()`: everything it uses must be inside this function (only types
 * come from outside). It renders each lit step with the same markup as the server's step cards.
 */
export function implicitSpa(): void {
  type NameValue = { name: string; value: string; masked?: boolean; full?: string };
  type Vantage = 'browser' | 'redirect';
  interface SpaExchange {
    vantage: Vantage;
    request: { method: string; url: string; query: NameValue[]; headers: NameValue[]; fragment?: NameValue[]; text?: string; kind?: string };
    response?: { status: number; statusText: string; headers: NameValue[]; json?: unknown; text?: string };
    jwts: { source: string; header: Record<string, unknown>; payload: Record<string, unknown> }[];
  }
  interface SpaStep { exchange: SpaExchange; part: 'request' | 'response'; state: 'done' | 'failed'; paired?: number; notes: string[] }
  interface SpaState { state?: string; authorizationUrl?: string; accessToken?: string; steps: Record<string, SpaStep>; problem?: string }

  const STORAGE_KEY = 'tessera-playground-implicit';
  const configElement = document.getElementById('spa-config');
  if (!configElement?.textContent) return;
  const config = JSON.parse(configElement.textContent) as ImplicitSpaConfig;

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

  function escape(value: string): string {
    return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
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
  function decodeJwt(token: string, source: string): SpaExchange['jwts'][number] | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const decode = (segment: string) => JSON.parse(atob(segment.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
      return { source, header: decode(parts[0] ?? ''), payload: decode(parts[1] ?? '') };
    } catch {
      return undefined;
    }
  }

  function statusClass(status: number): string {
    return status < 300 ? 'status-ok' : status < 400 ? 'status-redirect' : 'status-error';
  }
  function table(caption: string, rows: NameValue[], className: string): string {
    if (rows.length === 0) return '';
    const body = rows.map((row) => {
      const meaning = config.glossary[row.name];
      return `<tr${row.masked ? ' class="is-masked"' : ''}><th scope="row"><code>${escape(row.name)}</code></th><td><code${row.full ? ` title="${escape(row.full)}"` : ''}>${escape(row.value)}</code>${meaning ? `<span class="meaning">${escape(meaning)}</span>` : ''}</td></tr>`;
    }).join('');
    return `<table class="kv ${className}"><caption>${escape(caption)}</caption><tbody>${body}</tbody></table>`;
  }
  function jwtView(jwt: SpaExchange['jwts'][number]): string {
    const time = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000).toISOString().replace('.000Z', 'Z') : '');
    const { iat, exp } = jwt.payload;
    return `<section class="jwt" aria-label="Decoded JWT: ${escape(jwt.source)}"><h5>Decoded JWT · ${escape(jwt.source)}</h5><div class="jwt-parts">`
      + `<figure><figcaption>Header</figcaption><pre class="code">${escape(JSON.stringify(jwt.header, null, 2))}</pre></figure>`
      + `<figure><figcaption>Payload (claims)</figcaption><pre class="code">${escape(JSON.stringify(jwt.payload, null, 2))}</pre></figure></div>`
      + (typeof iat === 'number' && typeof exp === 'number' ? `<p class="jwt-times">Issued <time>${time(iat)}</time>, expires <time>${time(exp)}</time> (lives ${exp - iat} s).</p>` : '')
      + '<p class="fine">Decoded here to learn from it, not verified: a client treats an access token as opaque (RFC 9068 §6). The Resource Server verifies its signature.</p></section>';
  }
  const VANTAGE: Record<Vantage, string> = {
    browser: 'Recorded in your browser, by the single-page app\'s own JavaScript.',
    redirect: 'The Client sent your browser here. What followed stayed between your browser and the Auth Server: the Client cannot see it.',
  };
  function cardHtml(number: number, step: SpaStep): string {
    const meta = config.steps.find((candidate) => candidate.number === number);
    if (!meta) return '';
    const { exchange } = step;
    const response = exchange.response;
    const requestPath = exchange.request.method === 'click' ? 'click' : `${exchange.request.method} ${new URL(exchange.request.url).pathname}`;
    const chip = step.part === 'response' && response
      ? `<span class="chip status ${statusClass(response.status)}">${response.status} ${escape(response.statusText)}</span>`
      : `<span class="chip">${escape(requestPath)}</span>`;
    let body: string;
    if (step.part === 'request' || !response) {
      body = exchange.request.text
        ? `<div class="http http-request"><p class="http-line"><span class="http-kind">No HTTP request</span></p><p>${escape(exchange.request.text)}</p></div>`
        : `<div class="http http-request"><p class="http-line"><span class="http-kind">${exchange.request.kind ?? (exchange.vantage === 'redirect' ? 'Browser navigation' : 'Request')}</span> <span class="method">${escape(exchange.request.method)}</span> <span class="url">${escape(exchange.request.url)}</span></p>`
          + table('Headers', exchange.request.headers, 'headers') + table('Query parameters', exchange.request.query, 'params')
          + table('Fragment parameters (after #: never sent to a server)', exchange.request.fragment ?? [], 'params') + '</div>';
      if (step.paired !== undefined && response) {
        body += `<p class="paired">The answer is <a href="#step-${step.paired}">step ${step.paired}</a>: <strong>${response.status} ${escape(response.statusText)}</strong>.</p>`;
      }
    } else {
      const text = response.json !== undefined ? JSON.stringify(response.json, null, 2) : response.text ?? '';
      body = `<div class="http http-response"><p class="http-line"><span class="http-kind">Response</span> <span class="status ${statusClass(response.status)}">${response.status} ${escape(response.statusText)}</span></p>`
        + table('Headers', response.headers, 'headers')
        + (text ? `<figure class="body"><figcaption>Body${response.json !== undefined ? ' (JSON)' : ''}</figcaption><pre class="code">${escape(text)}</pre></figure>` : '') + '</div>';
      if (step.paired !== undefined) {
        body += `<p class="paired">Answering the request of <a href="#step-${step.paired}">step ${step.paired}</a>: <code>${escape(exchange.request.method)} ${escape(exchange.request.url)}</code>.</p>`;
      }
    }
    const jwts = step.part === 'response' || exchange.vantage === 'browser' ? exchange.jwts : [];
    const notes = step.notes.length > 0 ? `<ul class="notes">${step.notes.map((note) => `<li>${escape(note)}</li>`).join('')}</ul>` : '';
    return `<details class="step-card ${step.state === 'failed' ? 'is-failed' : 'is-done'}" id="step-${number}" data-step="${number}" open>`
      + `<summary><span class="step-num">${number}</span><span class="step-title"><span class="step-arrow">${escape(meta.from)} → ${escape(meta.to)}</span><span class="step-label">${escape(meta.label)}</span></span>${chip}</summary>`
      + `<div class="step-body"><p class="vantage">${VANTAGE[exchange.vantage]}</p>${body}${jwts.map(jwtView).join('')}${notes}</div></details>`;
  }

  function render(state: SpaState, fresh: number[]): void {
    for (const [key, step] of Object.entries(state.steps)) {
      const number = Number(key);
      const card = document.getElementById(`step-${number}`);
      if (card) card.outerHTML = cardHtml(number, step);
      const arrow = document.getElementById(`diagram-step-${number}`);
      if (arrow) {
        const freshIndex = fresh.indexOf(number);
        arrow.setAttribute('class', `seq-step ${step.state === 'failed' ? 'is-failed' : 'is-done'}${freshIndex < 0 ? '' : ` is-fresh delay-${Math.min(freshIndex, 5)}`}`);
      }
      if (!fresh.includes(number)) document.getElementById(`step-${number}`)?.removeAttribute('open');
    }
    const phase = state.accessToken === undefined ? 'idle' : state.steps['6'] ? 'done' : 'token';
    for (const element of document.querySelectorAll<HTMLElement>('[data-show-when]')) {
      element.hidden = !(element.dataset.showWhen ?? '').split(' ').includes(phase);
    }
    const reset = document.getElementById('spa-reset');
    if (reset) reset.hidden = Object.keys(state.steps).length === 0 && !state.problem;
    const problem = document.getElementById('spa-problem');
    if (problem) {
      problem.hidden = !state.problem;
      problem.textContent = state.problem ?? '';
    }
  }

  function navigationExchange(href: string): SpaExchange {
    const url = new URL(href);
    return { vantage: 'redirect', request: { method: 'GET', url: `${url.origin}${url.pathname}`, query: params(url.searchParams), headers: [] }, jwts: [] };
  }

  function start(): void {
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
    state.steps['1'] = {
      exchange: { vantage: 'browser', request: { method: 'click', url: location.href, query: [], headers: [], text: 'The Client is this page\'s JavaScript: your click on Start was step 1, handled in the browser without any request.' }, jwts: [] },
      part: 'request', state: 'done', notes: ['Nothing asked a server: a single-page app has no backend to keep secrets or tokens in.'],
    };
    state.steps['2'] = {
      exchange: navigationExchange(url.href), part: 'request', state: 'done',
      notes: [
        'The SPA sends your browser to the authorization endpoint by setting window.location, with response_type=token: "give me the token itself, not a code".',
        'It keeps state in sessionStorage to check on return. There is no PKCE here: the implicit grant has no token request to bind a verifier to.',
      ],
    };
    save(state);
    location.assign(url.href);
  }

  function receiveToken(state: SpaState): number[] {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const landed = `${location.origin}${location.pathname}`;
    // The token must not stay in the address bar or in this history entry (RFC 9700 §4.3.2).
    history.replaceState(null, '', config.pagePath);
    if (!state.authorizationUrl) {
      state.problem = 'This page did not start the flow (or its state was lost). Start again.';
      return [];
    }
    state.steps['3'] = {
      exchange: navigationExchange(state.authorizationUrl), part: 'request', state: 'done',
      notes: ['At the Auth Server you saw its sign-in page, sent it your username and password (POST /login), and answered its consent page (POST /consent).'],
    };
    const fragmentParams = [...fragment].map(([name, value]) => shorten(name, value));
    const accessToken = fragment.get('access_token');
    const error = fragment.get('error');
    const stateMatches = fragment.get('state') === state.state;
    const jwt = accessToken ? decodeJwt(accessToken, 'access_token in the fragment') : undefined;
    const ok = !error && accessToken !== null && stateMatches;
    state.steps['4'] = {
      exchange: {
        vantage: 'browser',
        request: { kind: 'The page loaded at', method: 'GET', url: landed, query: [], headers: [], fragment: fragmentParams },
        jwts: jwt ? [jwt] : [],
      },
      part: 'request', state: ok ? 'done' : 'failed',
      notes: ok
        ? [
          'The Auth Server redirected your browser to the redirect_uri with the access token in the fragment (RFC 6749 §4.2.2). The browser did not send the fragment to the Client\'s server, but the token was in the URL.',
          'The SPA checked that state is the one it sent, read the token, and removed the fragment from the address bar with history.replaceState.',
          'No refresh token: the implicit grant must not issue one (RFC 6749 §4.2.2).',
          'Anything that saw this URL (history, extensions, a script on the page) saw the token: this is why RFC 9700 §2.1.2 says not to use this grant.',
        ]
        : [],
    };
    if (error) state.problem = `The Auth Server answered ${error}${fragment.get('error_description') ? `: ${fragment.get('error_description')}` : ''}`;
    else if (!stateMatches) state.problem = 'The state in the fragment is not the one this page sent: the response is refused (CSRF protection, RFC 6749 §10.12).';
    else if (accessToken) state.accessToken = accessToken;
    state.state = undefined;
    return [3, 4];
  }

  async function callResourceServer(state: SpaState): Promise<number[]> {
    if (!state.accessToken) return [];
    const headers = { Authorization: `Bearer ${state.accessToken}`, Accept: 'application/json' };
    const request: SpaExchange['request'] = {
      method: 'GET', url: config.resourcesUrl, query: [],
      headers: [
        { name: 'Authorization', value: `Bearer ${shorten('', state.accessToken, 32).value}`, full: `Bearer ${state.accessToken}` },
        { name: 'Accept', value: 'application/json' },
        { name: 'Origin', value: `${location.origin}` },
      ],
    };
    state.problem = undefined;
    try {
      const response = await fetch(config.resourcesUrl, { headers });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const responseHeaders = ['content-type', 'cache-control', 'www-authenticate', 'access-control-allow-origin'].flatMap((name) => {
        const value = response.headers.get(name);
        const display: Record<string, string> = { 'content-type': 'Content-Type', 'cache-control': 'Cache-Control', 'www-authenticate': 'WWW-Authenticate', 'access-control-allow-origin': 'Access-Control-Allow-Origin' };
        return value === null ? [] : [{ name: display[name] ?? name, value }];
      });
      const exchange: SpaExchange = {
        vantage: 'browser', request,
        response: { status: response.status, statusText: response.statusText || (response.ok ? 'OK' : ''), headers: responseHeaders, ...(json === undefined ? { text } : { json }) },
        jwts: [],
      };
      state.steps['5'] = {
        exchange, part: 'request', state: 'done', paired: 6,
        notes: [
          'fetch() from this page to another origin: the browser added the Origin header and, because of the Authorization header, asked the Resource Server first with a CORS preflight (OPTIONS).',
          'The access token travels in the Authorization header as a Bearer token (RFC 6750 §2.1).',
        ],
      };
      state.steps['6'] = {
        exchange, part: 'response', state: response.ok ? 'done' : 'failed', paired: 5,
        notes: [
          'The Resource Server allows this page\'s origin (Access-Control-Allow-Origin), so the browser let the SPA read the answer.',
          'It verified the token itself: signature, iss, aud, exp and scope read. The token acts for you, so these are your resources.',
        ],
      };
      if (!response.ok) state.problem = `The Resource Server refused the token: HTTP ${response.status}${response.headers.get('www-authenticate') ? ` (${response.headers.get('www-authenticate') ?? ''})` : ''}.`;
    } catch (error) {
      state.problem = `The Resource Server could not be reached: ${(error as Error).message}`;
    }
    return [5, 6];
  }

  const state = load();
  let fresh: number[] = [];
  if (location.hash.length > 1) {
    fresh = receiveToken(state);
    save(state);
  }
  render(state, fresh);
  if (fresh.length > 0) document.getElementById('run')?.scrollIntoView({ block: 'start' });

  document.getElementById('spa-start')?.addEventListener('click', start);
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-spa-call]')) {
    button.addEventListener('click', () => {
      button.disabled = true;
      void callResourceServer(state).then((lit) => {
        save(state);
        render(state, lit);
        button.disabled = false;
        document.getElementById('run')?.scrollIntoView({ block: 'start' });
      });
    });
  }
  document.getElementById('spa-reset')?.addEventListener('click', () => {
    sessionStorage.removeItem(STORAGE_KEY);
    location.assign(config.pagePath);
  });
}
