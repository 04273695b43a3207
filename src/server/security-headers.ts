import type { FastifyReply } from 'fastify';

/** A CSP source for a redirect URI: form submissions redirect there, and CSP form-action covers redirects. */
function formActionSource(redirectUri: string): string | undefined {
  try {
    const url = new URL(redirectUri);
    // CSP compares percent-decoded paths, so `;` and `,` (which would end the directive or the
    // policy) are written percent-encoded rather than dropped.
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}${url.pathname.replace(/[;,]/g, (c) => encodeURIComponent(c))}`;
    return url.protocol;
  } catch {
    return undefined;
  }
}

/** Headers of every HTML page: never framed (clickjacking), never cached, no inline code. */
export function setPageHeaders(reply: FastifyReply, redirectUri?: string): void {
  const formAction = ["'self'", ...(redirectUri ? [formActionSource(redirectUri)].filter((s): s is string => !!s && !/[;,\s]/.test(s)) : [])];
  void reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy',
      `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction.join(' ')}; frame-ancestors 'none'; base-uri 'none'`)
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own form posts.
    .header('referrer-policy', 'same-origin');
}
