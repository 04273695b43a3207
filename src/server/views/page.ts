import { html, type SafeHtml } from '../../html/html.js';

/**
 * The layout of the server's own pages (sign-in, consent, errors) around their body. A skip link
 * comes first in the tab order, as on every page a person may reach with a keyboard (WCAG 2.4.1).
 */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Tessera</title>
<link rel="stylesheet" href="/assets/tessera.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<main class="card" id="main" tabindex="-1" aria-labelledby="page-title">
<p class="brand" aria-hidden="true"><span class="logo">◆</span> Tessera</p>
${body}
</main>
</body>
</html>
`.value;
}
