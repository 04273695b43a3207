import { SIGNING_ALGS, type ResourceServer, type SigningAlg } from '../store/types.js';
import { parseScope } from './scope.js';

/** A resource server's registration, as the seed file and `tessera resource create` give it. */
export interface ResourceServerMetadata {
  /** The API's RFC 8707 resource indicator, which its tokens carry as `aud`. */
  resource: string;
  /** Space-separated scopes tokens for this API may carry; omitted: no bound beyond each client's scope. */
  scope?: string | undefined;
  /** client_ids that may introspect this API's tokens (the API itself, or its gateway). */
  introspection_clients?: string[] | undefined;
  /** ES256, RS256 or EdDSA: the algorithm its access tokens are signed with; omitted: the server's default. */
  signing_alg?: string | undefined;
}

/** Whether `value` is an algorithm Tessera signs with. */
export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** A resource server registration that cannot be accepted, with a message that says what to fix. */
export class InvalidResourceMetadata extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidResourceMetadata';
  }
}

// RFC 6749 Appendix A.1: client_id = *VSCHAR
const VSCHAR = /^[\x20-\x7E]+$/;

/**
 * RFC 8707 §2: a resource indicator is an absolute URI without a fragment. It is compared byte
 * for byte with `resource` parameters and `aud` claims, so it must be ASCII without spaces.
 */
export function isResourceIndicator(value: string): boolean {
  if (!/^[\x21-\x7E]+$/.test(value) || value.includes('#')) return false;
  try {
    return new URL(value).hash === '';
  } catch {
    return false;
  }
}

/** Validates a registration and returns the ResourceServer to store. */
export function resourceServerFromMetadata(input: unknown, now: number): ResourceServer {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidResourceMetadata('a resource server must be a JSON object {"resource": "https://api.example.com", ...}.');
  }
  const m = input as Record<string, unknown>;
  if (typeof m.resource !== 'string' || !isResourceIndicator(m.resource)) {
    throw new InvalidResourceMetadata('every resource server needs a "resource": an absolute ASCII URI without a fragment (RFC 8707 section 2), such as https://api.example.com.');
  }
  const who = `resource "${m.resource}"`;
  const known = ['resource', 'scope', 'introspection_clients', 'signing_alg'];
  for (const key of Object.keys(m)) {
    if (!known.includes(key)) throw new InvalidResourceMetadata(`${who}: unknown field "${key}" (expected ${known.join(', ')}).`);
  }
  if (m.scope !== undefined && typeof m.scope !== 'string') throw new InvalidResourceMetadata(`${who}: scope must be a space-separated string.`);
  let scope: string[];
  try {
    scope = parseScope(m.scope as string | undefined);
  } catch {
    throw new InvalidResourceMetadata(`${who}: scope has characters RFC 6749 section 3.3 does not allow.`);
  }
  const clients = m.introspection_clients ?? [];
  if (!Array.isArray(clients) || !clients.every((id) => typeof id === 'string' && id !== '' && VSCHAR.test(id))) {
    throw new InvalidResourceMetadata(`${who}: introspection_clients must be an array of client_ids (printable ASCII).`);
  }
  // RFC 9068 §2.1: access tokens MUST be signed, asymmetrically by recommendation: never "none" or an HMAC.
  if (m.signing_alg !== undefined && !isSigningAlg(m.signing_alg)) {
    throw new InvalidResourceMetadata(`${who}: signing_alg must be one of ${SIGNING_ALGS.join(', ')}.`);
  }
  return {
    resource: m.resource, scope, introspectionClients: [...new Set(clients as string[])], createdAt: now,
    ...(m.signing_alg !== undefined ? { signingAlg: m.signing_alg } : {}),
  };
}

/** The resource server as its registration metadata, for display. */
export function resourceServerToMetadata(resource: ResourceServer): Record<string, unknown> {
  return {
    resource: resource.resource,
    scope: resource.scope.join(' '),
    introspection_clients: resource.introspectionClients,
    ...(resource.signingAlg ? { signing_alg: resource.signingAlg } : {}),
    created_at: resource.createdAt,
  };
}
