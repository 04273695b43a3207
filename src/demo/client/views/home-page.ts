import { html } from '../../../html/html.js';
import { DEMO_USERS } from '../../demo-seed.js';
import type { DemoUrls } from '../../demo-urls.js';
import { GRANT_PAGES } from '../flows/grant-catalog.js';
import { layout } from './layout.js';
import { TOOL_PAGES } from './tool-pages.js';

/** The playground's front page: the five grants, the three servers, the demo users. */
export function homePage(urls: DemoUrls, accessTokenTtl: number): string {
  const cards = GRANT_PAGES.map((grant) => html`<a class="grant-card" href="${grant.path}">
<span class="grant-card-head"><strong>${grant.title}</strong><span class="verdict verdict-${grant.guide.verdict.tone}">${grant.guide.verdict.label}</span></span>
<span class="grant-card-text">${grant.summary}</span>
<code class="wire">${grant.wireName}</code>
<span class="grant-card-steps">${grant.diagram.steps.length} steps · ${grant.diagram.participants.join(', ')}</span>
</a>`);
  const body = html`<main class="home">
<section class="hero">
<h1>Watch OAuth 2 happen.</h1>
<p class="lede">Five grants, played live between a Client, an Auth Server and a Resource Server running on this machine. Each page draws the grant's sequence diagram; as you run the flow, every numbered step lights up and opens the real HTTP exchange behind it.</p>
</section>
<section class="grant-grid" aria-label="The grants">${cards}</section>
<section class="grant-grid" aria-label="Beyond the grants">${TOOL_PAGES.map((page) => html`<a class="grant-card" href="${page.path}"><span class="grant-card-head"><strong>${page.title}</strong></span><span class="grant-card-text">${page.summary}</span></a>`)}</section>
<div class="home-columns">
<section class="panel">
<h2>How to read a page</h2>
<ol class="reading">
<li>Press the button above the diagram: the Client does the next step for real.</li>
<li>The steps that happened light up. Click one to open its exchange: method, URL, parameters, status, headers, and decoded JWTs.</li>
<li>Each exchange says where it was seen: on the Client's server, in your browser, or not at all (what you do at the Auth Server stays between you and it).</li>
<li>Client secrets and passwords are masked. Access tokens live ${accessTokenTtl} s in this demo, long enough to read an exchange; the Refresh Token page's expire sooner, so that you can watch one expire.</li>
</ol>
</section>
<section class="panel">
<h2>The three servers</h2>
<dl class="servers">
<dt>Client · this playground</dt><dd><a href="${urls.client}/">${urls.client}</a><br><span class="fine">Speaks OAuth with oauth4webapi on its server; the implicit page runs in your browser.</span></dd>
<dt>Auth Server · Tessera</dt><dd><a href="${urls.authorizationServer}/.well-known/oauth-authorization-server">${urls.authorizationServer}</a><br><span class="fine">Sign-in and consent pages, /token, JWT access tokens (RFC 9068).</span></dd>
<dt>Resource Server · demo API</dt><dd><a href="${urls.resourceServer}/">${urls.resourceServer}</a><br><span class="fine">GET /api/resources (scope read), POST (scope write), protected with tessera/resource.</span></dd>
</dl>
</section>
<section class="panel">
<h2>Demo users</h2>
<table class="kv"><tbody>${DEMO_USERS.map((user) => html`<tr><th scope="row"><code>${user.username}</code></th><td><code>${user.password}</code></td></tr>`)}</tbody></table>
<p class="fine">The diagrams follow the tutorial <em>OAuth2 grant types</em>; where it disagrees with the RFCs (403 for an expired token, grant_type names), the RFCs win.</p>
</section>
</div>
</main>`;
  return layout({ title: 'Flow playground', active: 'home', urls, body, scripts: [] });
}
