import { html } from '../../html/html.js';
import { page } from './page.js';
import { describeScope } from './pages.js';

export interface AllowedApplication {
  clientId: string;
  clientName: string;
  audience: string;
  scopes: string[];
  grantedAt: number;
}

/** The signed-in user's applications, each with a button that withdraws what they allowed. */
export function accountPage(input: { csrfToken: string; username: string; applications: AllowedApplication[]; withdrawn: boolean }): string {
  const byClient = new Map<string, AllowedApplication[]>();
  for (const app of input.applications) byClient.set(app.clientId, [...(byClient.get(app.clientId) ?? []), app]);
  return page('Your account', html`
<h1 id="page-title">Your account</h1>
<p class="muted">Signed in as <strong>${input.username}</strong>.</p>
${input.withdrawn ? html`<p class="notice" role="status">Access withdrawn. That application's tokens no longer work.</p>` : ''}
<h2>Applications you allowed</h2>
${byClient.size === 0 ? html`<p class="muted">You have not allowed any application yet.</p>` : html`<ul class="apps">
${[...byClient.values()].map((grants) => {
    const first = grants[0] as AllowedApplication;
    const scopes = [...new Set(grants.flatMap((g) => g.scopes))];
    return html`<li>
  <strong>${first.clientName}</strong>
  <span class="muted">${scopes.length === 0 ? 'Know that you use it' : scopes.map((s) => describeScope(s).title).join(', ')}; since ${new Date(Math.max(...grants.map((g) => g.grantedAt)) * 1000).toISOString().slice(0, 10)}</span>
  <form method="post" action="/account/withdraw">
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    <input type="hidden" name="client_id" value="${first.clientId}">
    <button type="submit" class="secondary" aria-label="Withdraw access of ${first.clientName}">Withdraw access</button>
  </form>
</li>`;
  })}
</ul>`}
<form method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="${input.csrfToken}">
  <div class="actions"><button type="submit">Sign out</button></div>
</form>`);
}
