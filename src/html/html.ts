// HTML for the server's pages (src/server/views) and the demo's (src/demo/client): a tagged template
// that escapes what it interpolates. No I/O, no Fastify: anything that renders HTML may import it.

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
