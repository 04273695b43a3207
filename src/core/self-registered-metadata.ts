import { defaultRegistry, type ProtocolRegistry } from '../registry.js';
import type { Client, ResourceServerStore } from '../store/types.js';
import { clientFromMetadata, InvalidClientMetadata } from './client-metadata.js';
import { InvalidClientMetadataError, InvalidRedirectUri } from './errors.js';
import { isDisplayableText } from './display-text.js';
import type { SecretHashing } from './secret-hash.js';

/**
 * What a client that registers itself (RFC 7591) may have, beyond the rules every client follows
 * (core/client-metadata.ts clientFromMetadata, which validates the result too).
 */
export interface SelfRegistrationPolicy {
  /** The scopes a self-registered client may have (--dynamic-registration-scope). */
  readonly scope: readonly string[];
}

/** The grant types a client may give itself: the browser flows with a user's consent, nothing that skips the user. */
const SELF_REGISTRABLE_GRANTS = ['authorization_code', 'refresh_token'];

/** Metadata names this server understands from a registration request (RFC 7591 §2, OpenID Connect Registration §2). */
const UNDERSTOOD = new Set(['client_name', 'redirect_uris', 'grant_types', 'response_types', 'scope', 'token_endpoint_auth_method',
  'application_type', 'id_token_signed_response_alg', 'post_logout_redirect_uris', 'resources', 'client_id', 'client_secret',
  'skip_consent', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'jwks', 'jwks_uri']);

/** Bounds on what an anonymous caller may store in one row. */
const LIMITS = { uris: 10, uriLength: 2_000, nameLength: 200, scopeWords: 50, resources: 10 } as const;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The redirect URI rules of self-registered clients, by application_type (OpenID Connect
 * Registration §2 application_type; RFC 8252):
 * - web: https only (no http, no private-use scheme); compared exactly, port included.
 * - native: http on a loopback host (RFC 8252 §7.3; any port at authorization time, redirect-uri.ts),
 *   a private-use scheme with a period in it (RFC 8252 §7.1, §8.4: schemes without one SHOULD be
 *   rejected), or a claimed https URL (RFC 8252 §7.2). Never http to a web host.
 * Metadata-document clients follow the same rules (core/client-id-metadata-document.ts).
 */
export function redirectUriAllowed(uri: string, applicationType: 'web' | 'native'): boolean {
  // RFC 6749 §3.1.2: no fragment; and the one ASCII spelling a browser sends (compared byte for byte).
  if (uri.length > LIMITS.uriLength || uri.includes('#') || !/^[\x21-\x7E]+$/.test(uri)) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.hostname !== '' && (applicationType === 'native' || !LOOPBACK.has(url.hostname));
  if (applicationType === 'web') return false;
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname);
  // RFC 8252 §7.1: a reverse domain name scheme such as com.example.app:/callback.
  const scheme = url.protocol.slice(0, -1);
  return scheme.includes('.') && /^[a-z][a-z0-9+.-]*$/.test(scheme);
}

function stringArray(value: unknown, max: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > max || !value.every((item) => typeof item === 'string')) {
    throw new InvalidClientMetadataError('A list field is not an array of strings, or is too long.');
  }
  return value as string[];
}

export interface SelfRegistrationInput {
  /** The request's JSON body. */
  body: unknown;
  clientId: string;
  /** The client secret to issue, used only if the client is confidential. */
  newSecret: string;
  now: number;
  policy: SelfRegistrationPolicy;
  hashing: SecretHashing;
  resourceServers: Pick<ResourceServerStore, 'get'>;
  registry?: ProtocolRegistry | undefined;
  /** RFC 7592 §2.2 update: the client's current secret hash, kept when the client stays confidential. */
  currentSecretHash?: string | null | undefined;
}

/** The client to store and, for a new confidential client, the secret to hand out once. */
export interface SelfRegisteredClient {
  client: Client;
  issuedSecret: string | undefined;
}

/**
 * RFC 7591 §2 and §3.2.2: validates a registration (or an RFC 7592 update) of a client by itself.
 * Unknown metadata is ignored (RFC 7591 §2: the server MUST ignore metadata it does not
 * understand); what would give a client trust it cannot be given (skip_consent, grants without a
 * user, a back-channel logout URI the server would POST to) is refused; scope is cut down to the
 * policy's. Every error description is fixed text.
 */
export async function selfRegisteredClient(input: SelfRegistrationInput): Promise<SelfRegisteredClient> {
  const { body, policy } = input;
  // RFC 7591 §3.1: the metadata is a JSON document (a form body parses to URLSearchParams, refused here).
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) {
    throw new InvalidClientMetadataError('The registration request must be a JSON object of client metadata.');
  }
  const given = body as Record<string, unknown>;
  const m: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) if (UNDERSTOOD.has(key) && value !== null) m[key] = value;

  if (m.skip_consent !== undefined && m.skip_consent !== false) {
    throw new InvalidClientMetadataError('A client cannot register itself to skip the consent page.');
  }
  // docs/SECURITY.md (outbound requests): the server would POST logout tokens to this URI, and a
  // host name cannot be checked against private addresses once and for all (DNS changes); an
  // administrator registers back-channel logout.
  if (m.backchannel_logout_uri !== undefined || m.backchannel_logout_session_required === true) {
    throw new InvalidClientMetadataError('backchannel_logout_uri cannot be self-registered on this server.');
  }

  const applicationType = m.application_type ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') {
    throw new InvalidClientMetadataError('application_type must be web or native.');
  }
  const grantTypes = stringArray(m.grant_types, 5) ?? ['authorization_code'];
  if (!grantTypes.every((grant) => SELF_REGISTRABLE_GRANTS.includes(grant))) {
    throw new InvalidClientMetadataError('A self-registered client may use the authorization_code and refresh_token grants only.');
  }
  const redirectUris = stringArray(m.redirect_uris, LIMITS.uris) ?? [];
  // RFC 7591 §2: redirect_uris is needed by the grants that redirect (authorization_code).
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris is required for the authorization_code grant.');
  }
  for (const uri of [...redirectUris, ...stringArray(m.post_logout_redirect_uris, LIMITS.uris) ?? []]) {
    if (!redirectUriAllowed(uri, applicationType)) {
      throw new InvalidRedirectUri(applicationType === 'web'
        ? 'A web client registers https redirect URIs only.'
        : 'A native client registers http loopback, reverse-domain private-use scheme or https redirect URIs only.');
    }
  }
  if (m.client_name !== undefined && (typeof m.client_name !== 'string' || m.client_name.length > LIMITS.nameLength || m.client_name.trim() === '')) {
    throw new InvalidClientMetadataError('client_name must be a non-empty string of at most 200 characters.');
  }
  // The consent page shows client_name: no control, format or bidi characters (core/display-text.ts).
  if (typeof m.client_name === 'string' && !isDisplayableText(m.client_name)) {
    throw new InvalidClientMetadataError('client_name must not contain control, format or bidirectional characters.');
  }

  // Scope: what the client asks for, cut down to the policy's (RFC 7591 §3.2.1: the server may
  // replace a requested value, and says what it registered in the response); all of it when none is asked for.
  if (m.scope !== undefined && typeof m.scope !== 'string') throw new InvalidClientMetadataError('scope must be a space-separated string.');
  const asked = typeof m.scope === 'string' ? m.scope.split(' ').filter((word) => word !== '') : undefined;
  if (asked !== undefined && asked.length > LIMITS.scopeWords) throw new InvalidClientMetadataError('scope names too many scopes.');
  const scope = asked === undefined ? [...policy.scope] : asked.filter((word) => policy.scope.includes(word));
  if (scope.length === 0) throw new InvalidClientMetadataError('None of the requested scopes may be given to a self-registered client.');

  // RFC 8707 resources: only APIs registered on this server.
  const resources = stringArray(m.resources, LIMITS.resources) ?? [];
  for (const resource of resources) {
    if (!await input.resourceServers.get(resource)) throw new InvalidClientMetadataError('resources names an API that is not registered on this server.');
  }

  const method = m.token_endpoint_auth_method ?? 'client_secret_basic';
  // RFC 7591 §3.2.1 / RFC 7592 §2.2: the server issues the secret; a client never chooses its own.
  // On an update, a client_secret sent must be the current one, which the caller checked.
  // A private_key_jwt client (RFC 7523 §2.2) authenticates with its keys (jwks or jwks_uri, fetched
  // only through the SSRF-safe fetcher) and is given no secret.
  const confidential = method === 'client_secret_basic' || method === 'client_secret_post';
  const keepSecret = confidential && input.currentSecretHash !== undefined && input.currentSecretHash !== null;
  const issuedSecret = confidential && !keepSecret ? input.newSecret : undefined;
  const metadata = {
    client_id: input.clientId,
    ...(m.client_name !== undefined ? { client_name: m.client_name } : {}),
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    ...(m.response_types !== undefined ? { response_types: m.response_types } : {}),
    scope: scope.join(' '),
    token_endpoint_auth_method: method,
    resources,
    application_type: applicationType,
    ...(m.id_token_signed_response_alg !== undefined ? { id_token_signed_response_alg: m.id_token_signed_response_alg } : {}),
    ...(m.post_logout_redirect_uris !== undefined ? { post_logout_redirect_uris: m.post_logout_redirect_uris } : {}),
    ...(confidential ? { client_secret: issuedSecret ?? 'kept' } : {}),
    ...(m.jwks !== undefined ? { jwks: m.jwks } : {}),
    ...(m.jwks_uri !== undefined ? { jwks_uri: m.jwks_uri } : {}),
  };
  let client: Client;
  try {
    // The rules every client follows, admin-registered or not.
    client = clientFromMetadata(metadata, input.now, input.hashing, input.registry ?? defaultRegistry);
  } catch (error) {
    if (!(error instanceof InvalidClientMetadata)) throw error;
    // clientFromMetadata's messages quote the input: a fixed description instead.
    throw new InvalidClientMetadataError('The client metadata is not valid (grant_types, response_types, token_endpoint_auth_method or id_token_signed_response_alg).');
  }
  return { client: keepSecret ? { ...client, secretHash: input.currentSecretHash ?? null } : client, issuedSecret };
}
