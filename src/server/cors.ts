import fastifyCors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * CORS for browser-based clients (docs/SECURITY.md "CORS"): the endpoints a single-page app calls
 * with fetch (metadata, JWKS, token, revocation, introspection, registration, UserInfo) answer
 * any origin, without credentials: what they need travels in the body or the Authorization
 * header, never in a cookie, so a page learns nothing it did not already hold. The authorization
 * endpoint and every page that reads the session cookie get no CORS headers at all: a browser
 * reaches them by navigation, and a cross-origin read of them would be an attack.
 */
export interface CorsRule {
  readonly methods: readonly string[];
}

/** Which paths allow cross-origin calls, and with which methods; undefined: none. */
export type CorsPolicy = (path: string) => CorsRule | undefined;

export function corsPolicy(rules: Readonly<Record<string, CorsRule>>, prefixes: Readonly<Record<string, CorsRule>> = {}): CorsPolicy {
  return (path) => rules[path] ?? Object.entries(prefixes).find(([prefix]) => path.startsWith(prefix))?.[1];
}

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * @fastify/cors with options chosen per request by its path, so that the preflight (answered in
 * the hook, before any route) follows the same rules as the request. `credentials` stays off:
 * Access-Control-Allow-Credentials is never sent.
 */
export async function registerCors(app: FastifyInstance, policy: CorsPolicy): Promise<void> {
  await app.register(fastifyCors, () => async (request: FastifyRequest) => {
    const rule = policy(pathOf(request));
    if (rule === undefined) return { origin: false };
    return {
      origin: '*',
      credentials: false,
      methods: [...rule.methods],
      // MCP clients send MCP-Protocol-Version on every request, discovery included (the MCP
      // authorization spec); without it in the preflight a browser-based client's first try fails.
      allowedHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
      // A 401's challenge (RFC 6750 §3) and a 429's Retry-After are readable to the page.
      exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
      maxAge: 600,
      strictPreflight: false,
    };
  });
}
