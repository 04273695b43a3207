import type { FastifyReply } from 'fastify';
import type { DemoUrls } from '../demo-urls.js';

/**
 * Headers of every playground page. The CSP allows only our own files, plus: form posts that
 * redirect to the Auth Server (form-action covers redirects), and the implicit page's fetch to the
 * Resource Server (connect-src). No inline script or style anywhere.
 */
export function setPlaygroundPageHeaders(reply: FastifyReply, urls: DemoUrls): void {
  const authorizationServer = new URL(urls.authorizationServer).origin;
  const resourceServer = new URL(urls.resourceServer).origin;
  void reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
      `connect-src 'self' ${resourceServer}`, `form-action 'self' ${authorizationServer}`,
      "frame-ancestors 'none'", "base-uri 'none'",
    ].join('; '))
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    // Callback URLs carry codes and tokens: never send them to another origin in a Referer (RFC 9700 §4.2).
    .header('referrer-policy', 'same-origin');
}
