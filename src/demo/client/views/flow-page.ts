import { html, type SafeHtml } from '../../../html/html.js';
import { DEMO_USERS } from '../../demo-seed.js';
import type { DemoUrls } from '../../demo-urls.js';
import type { Participant } from '../exchange/exchange.js';
import type { FlowRun } from '../flows/flow-run.js';
import type { GrantPage } from '../flows/grant-catalog.js';
import { extraExchangeView, stepCard } from './exchange-view.js';
import { guidePanel } from './guide-panel.js';
import { layout } from './layout.js';
import { sequenceDiagram } from './sequence-diagram-svg.js';

/** The registration of the client this page plays, as the sidebar shows it. */
export interface ClientCard {
  clientId: string;
  clientName: string;
  kind: 'confidential' | 'public';
  grantTypes: readonly string[];
  redirectUri?: string;
  scope: string;
}

export interface FlowPageInput {
  grant: GrantPage;
  urls: DemoUrls;
  run: FlowRun;
  /** The page's clock, seconds since the epoch (decoded times are shown relative to it). */
  now: number;
  /** The buttons and forms that run the next steps. */
  controls: SafeHtml;
  client: ClientCard;
  /** Who the Client is, under its lane: a server, or JavaScript in the page. */
  clientLane: string;
  scripts?: readonly string[];
  /** Data for the page's scripts (a JSON block), placed after the content. */
  data?: SafeHtml;
  /** The title of the exchanges outside the numbered steps, and where they go. */
  extras?: { title: string; placement: 'before-diagram' | 'after-steps' };
}

function port(url: string): string {
  return `:${new URL(url).port}`;
}

export function laneSubtitles(urls: DemoUrls, clientLane: string): Partial<Record<Participant, string>> {
  return {
    'User': 'you, in this browser',
    'Client': clientLane,
    'Auth Server': `Tessera ${port(urls.authorizationServer)}`,
    'Resource Server': `demo API ${port(urls.resourceServer)}`,
  };
}

function clientPanel(client: ClientCard): SafeHtml {
  return html`<section class="panel client-card" aria-labelledby="client-title">
<h2 id="client-title">The client of this page</h2>
<dl>
<dt>client_id</dt><dd><code>${client.clientId}</code> (${client.clientName})</dd>
<dt>type</dt><dd>${client.kind === 'confidential' ? 'confidential: authenticates with a client_secret (client_secret_basic)' : 'public: no secret, it runs in the browser'}</dd>
<dt>grant_types</dt><dd>${client.grantTypes.map((grant) => html`<code>${grant}</code> `)}</dd>
${client.redirectUri ? html`<dt>redirect_uri</dt><dd><code>${client.redirectUri}</code></dd>` : ''}
<dt>scope</dt><dd><code>${client.scope}</code></dd>
</dl>
</section>`;
}

function usersPanel(): SafeHtml {
  return html`<section class="panel users-card" aria-labelledby="users-title">
<h2 id="users-title">Demo users</h2>
<table class="kv"><tbody>${DEMO_USERS.map((user) => html`<tr><th scope="row"><code>${user.username}</code></th><td><code>${user.password}</code></td></tr>`)}</tbody></table>
<p class="fine">Sign in with one of them at the Auth Server.</p>
</section>`;
}

/** A grant's page: controls, the diagram lit as far as the visitor got, each step's exchange, and the guide. */
export function flowPage(input: FlowPageInput): string {
  const { grant, run } = input;
  const states = new Map([...run.steps].map(([id, record]) => [id, record.state] as const));
  const diagram = sequenceDiagram(grant.diagram, { steps: states, fresh: run.newlyLit }, laneSubtitles(input.urls, input.clientLane));
  const extrasTitle = input.extras?.title ?? 'Beyond the diagram';
  const extras = run.extras.length === 0 ? html`` : html`<section class="extras" aria-label="${extrasTitle}">
<h2 class="section-title">${extrasTitle}</h2>
${run.extras.map((extra) => extraExchangeView(extra.title, extra.exchange, extra.notes, input.now))}
</section>`;
  const body = html`<main class="flow-layout" data-grant="${grant.key}">
<div class="flow-main">
<div class="flow-head">
<h1>${grant.title}</h1>
<p class="lede">${grant.summary} <code class="wire">${grant.wireName}</code></p>
</div>
<section class="panel controls" id="run" aria-label="Run the flow">
${run.problem ? html`<p class="alert" role="alert">${run.problem}</p>` : ''}
${input.controls}
</section>
${input.extras?.placement === 'before-diagram' ? extras : ''}
<section class="panel diagram-card" aria-label="Sequence diagram">
<p class="hint">Choose a step to see the real HTTP exchange behind it.</p>
${diagram}
</section>
<section class="steps" aria-label="The steps and their HTTP exchanges">
<h2 class="section-title">The steps, as they happened</h2>
${grant.diagram.steps.map((step) => stepCard(step, run.steps.get(step.id), run.newlyLit.includes(step.id), { diagram: grant.diagram, now: input.now }))}
</section>
${input.extras?.placement === 'after-steps' ? extras : ''}
</div>
<aside class="flow-side">
${guidePanel(grant.guide)}
${clientPanel(input.client)}
${usersPanel()}
</aside>
${input.data ?? ''}
</main>`;
  return layout({ title: grant.title, active: grant.key, urls: input.urls, body, scripts: ['/assets/playground.js', ...(input.scripts ?? [])] });
}

/** A form that posts one action of a flow, with the session's CSRF token. */
export function actionForm(action: string, csrf: string, label: string, options: { fields?: SafeHtml; primary?: boolean; disabled?: boolean; extraAttributes?: SafeHtml } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="action-form">
<input type="hidden" name="csrf" value="${csrf}">
${options.fields ?? ''}
<button type="submit"${options.primary === false ? html` class="secondary"` : ''}${options.disabled ? html` disabled` : ''}${options.extraAttributes ?? ''}>${label}</button>
</form>`;
}

/** Scope checkboxes: `read` is checked by default, `write` lets the visitor add a resource later. */
export function scopeFields(checked: readonly string[] = ['read']): SafeHtml {
  return html`<fieldset class="scopes"><legend>scope</legend>${['read', 'write'].map((scope) => html`<label><input type="checkbox" name="scope" value="${scope}"${checked.includes(scope) ? html` checked` : ''}> <code>${scope}</code></label>`)}</fieldset>`;
}
