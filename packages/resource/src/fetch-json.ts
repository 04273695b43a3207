/**
 * The authorization server could not give an answer (down, slow, misconfigured, or answering
 * something that is not what the RFC says). The token was not judged: the caller answers 503.
 */
export class UpstreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/**
 * Fetches a JSON object from the authorization server. Redirects are not followed: metadata,
 * JWKS and introspection URLs are published by the server itself, so a redirect is a
 * misconfiguration or an attack, not something to chase (oauth4webapi and jose do the same).
 */
export async function fetchJsonObject(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  timeoutMs: number, what: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new UpstreamError(`${what}: request to ${url} failed.`, { cause });
  }
  if (response.status !== 200) {
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    throw new UpstreamError(`${what}: ${url} answered HTTP ${response.status}, expected 200.`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new UpstreamError(`${what}: ${url} did not answer valid JSON.`, { cause });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UpstreamError(`${what}: ${url} did not answer a JSON object.`);
  }
  return body as Record<string, unknown>;
}
