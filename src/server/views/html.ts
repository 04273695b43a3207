/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A tagged template whose interpolations are escaped unless they are already SafeHtml. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string { return this.value; }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof SafeHtml ? v.value : escapeHtml(String(v)))).join('')
      : value instanceof SafeHtml ? value.value : value === undefined || value === null || value === false ? '' : escapeHtml(String(value));
    out += rendered + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

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
<main class="card" aria-labelledby="page-title">
<p class="brand" aria-hidden="true"><span class="logo">◆</span> Tessera</p>
${body}
</main>
</body>
</html>
`.value;
}
