import { html, type SafeHtml } from '../../../html/html.js';
import type { DemoUrls } from '../../demo-urls.js';
import { GRANT_PAGES, type GrantKey } from '../flows/grant-catalog.js';
import { TOOL_PAGES, type ToolPageKey } from './tool-pages.js';

export interface LayoutInput {
  title: string;
  active: GrantKey | ToolPageKey | 'home';
  urls: DemoUrls;
  body: SafeHtml;
  /** Script paths under /assets; scripts are files, never inline (CSP script-src 'self'). */
  scripts?: readonly string[];
}

/** Every page's script: opens step cards, keeps jumps below the header (browser/playground-page.ts). */
const PAGE_SCRIPT = '/assets/playground.js';

/**
 * The shell of every playground page: a skip link (the first thing Tab reaches), the top bar with
 * the grants, the content (the skip link's target), the footer.
 */
export function layout(input: LayoutInput): string {
  const scripts = [...new Set([PAGE_SCRIPT, ...(input.scripts ?? [])])];
  // The nav is one row from 1100 px: a long title is shortened there, the full one is its tooltip.
  const nav = [...GRANT_PAGES, ...TOOL_PAGES].map((page) => {
    const label = 'navTitle' in page && page.navTitle !== undefined ? page.navTitle : page.title;
    return html`<a href="${page.path}"${label === page.title ? '' : html` title="${page.title}"`}${page.key === input.active ? html` aria-current="page"` : ''}>${label}</a>`;
  });
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${input.title} · Tessera Playground</title>
<link rel="stylesheet" href="/assets/playground.css">
<link rel="icon" href="data:,">
${scripts.map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="topbar" id="topbar">
<a class="brand" href="/"><span class="logo" aria-hidden="true">◆</span> Tessera <span class="brand-sub">Playground</span></a>
<nav class="grant-nav" aria-label="Playground pages">${nav}</nav>
<nav class="server-links" aria-label="Servers">
<a href="${input.urls.authorizationServer}/.well-known/oauth-authorization-server" title="Auth Server metadata (RFC 8414)">Auth Server</a>
<a href="${input.urls.resourceServer}/" title="Resource Server">Resource Server</a>
</nav>
</header>
<div id="main" class="main-target" tabindex="-1">
${input.body}
</div>
<footer class="footer"><p>Tessera demo · the Client (${input.urls.client}), the Auth Server (${input.urls.authorizationServer}) and the Resource Server (${input.urls.resourceServer}) run on this machine. Every exchange shown is real traffic between them; client secrets and passwords are masked.</p></footer>
</body>
</html>
`.value;
}
