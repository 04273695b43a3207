import type { Client } from '../store/types.js';
import { clientFromMetadata, InvalidClientMetadata, type ClientMetadata } from './client-metadata.js';
import { isDisplayableText } from './display-text.js';
import { redirectUriAllowed } from './self-registered-metadata.js';
import type { SecretHashing } from './secret-hash.js';

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id
 * that is an https URL names a JSON document of the client's metadata, which the server fetches
 * (core/safe-fetch.ts) instead of looking the client up in its registry.
 */

/** Whether `clientId` has the form of a metadata document URL at all (the rest is checked by metadataDocumentUrl). */
export function looksLikeMetadataDocumentUrl(clientId: string): boolean {
  return clientId.startsWith('https://') || clientId.startsWith('http://');
}

/**
 * §3 (Client Identifier): the URL MUST use https, MUST contain a path component, MUST NOT contain
 * single- or double-dot path segments, a fragment, or a username or password. It is compared as a
 * string everywhere, so only its one canonical spelling is accepted (URL serialisation unchanged:
 * no dot segments, no default port, a lower-case host). `allowHttpLoopback`: --cimd-allow-private-hosts,
 * for local development, also accepts http://127.0.0.1, [::1] and localhost.
 */
export function metadataDocumentUrl(clientId: string, allowHttpLoopback: boolean): URL | undefined {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return undefined;
  }
  if (url.href !== clientId) return undefined;
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(allowHttpLoopback && url.protocol === 'http:' && loopback)) return undefined;
  if (url.pathname === '/' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  if (url.pathname.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  return url;
}

/** The grant types a metadata-document client may use: the ones of the authorization endpoint. */
const DOCUMENT_GRANT_TYPES = ['authorization_code', 'refresh_token'];

/** What a metadata-document client may have: the self-service scope (--dynamic-registration-scope), as a self-registered client. */
export interface SelfServicePolicy {
  readonly scope: readonly string[];
}

/** A document that cannot be used; the message is for the server's log, never the user's page. */
export class InvalidMetadataDocument extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMetadataDocument';
  }
}

/**
 * Validates a fetched document and returns the Client it describes (not stored). §4.1: client_id
 * MUST equal the document's URL (simple string comparison); a shared secret is never possible
 * (no client_secret; token_endpoint_auth_method none or private_key_jwt with jwks or jwks_uri).
 * Fields this server does not use (client_uri, logo_uri, software_*, contacts...) are ignored.
 */
export function clientFromMetadataDocument(document: unknown, url: string, now: number, hashing: SecretHashing, policy: SelfServicePolicy): Client {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new InvalidMetadataDocument('not a JSON object');
  const d = document as Record<string, unknown>;
  if (d.client_id !== url) throw new InvalidMetadataDocument('client_id differs from the document URL');
  if (d.client_secret !== undefined || d.client_secret_expires_at !== undefined) throw new InvalidMetadataDocument('a client_secret is not allowed');
  const method = d.token_endpoint_auth_method ?? 'none';
  if (method !== 'none' && method !== 'private_key_jwt') throw new InvalidMetadataDocument('token_endpoint_auth_method must be none or private_key_jwt');
  const grantTypes = d.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || !grantTypes.every((grant) => typeof grant === 'string' && DOCUMENT_GRANT_TYPES.includes(grant))) {
    throw new InvalidMetadataDocument('grant_types may only be authorization_code and refresh_token');
  }
  if (!Array.isArray(d.redirect_uris) || d.redirect_uris.length === 0 || d.redirect_uris.length > 10) {
    throw new InvalidMetadataDocument('redirect_uris must list 1 to 10 URIs');
  }
  // The redirect rules of a self-registered client, by application_type (core/self-registered-metadata.ts:
  // web: https only; native: loopback http, reverse-domain private-use schemes, https): a document is its
  // host's word only, so it gets no more than a client registering itself (no http to a web host, no file:, ...).
  const applicationType = d.application_type ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') throw new InvalidMetadataDocument('application_type must be web or native');
  if (d.post_logout_redirect_uris !== undefined && (!Array.isArray(d.post_logout_redirect_uris) || d.post_logout_redirect_uris.length > 10)) {
    throw new InvalidMetadataDocument('post_logout_redirect_uris must list at most 10 URIs');
  }
  for (const uri of [...d.redirect_uris as unknown[], ...(d.post_logout_redirect_uris as unknown[] | undefined) ?? []]) {
    if (typeof uri !== 'string' || !redirectUriAllowed(uri, applicationType)) throw new InvalidMetadataDocument('a redirect URI breaks the self-registration redirect rules');
  }
  if (d.client_name !== undefined && (typeof d.client_name !== 'string' || d.client_name.length > 100)) {
    throw new InvalidMetadataDocument('client_name must be a string of at most 100 characters');
  }
  // The consent page shows client_name: no control, format or bidi characters (core/display-text.ts).
  if (typeof d.client_name === 'string' && (d.client_name.trim() === '' || !isDisplayableText(d.client_name))) {
    throw new InvalidMetadataDocument('client_name has control, format or bidirectional characters, or is blank');
  }
  // The same scope policy as a self-registered client's (--dynamic-registration-scope, the
  // self-service scope): what the document asks for is cut down to it, all of it when it asks for
  // none, and a document left with none is refused. The document is its host's word only
  // (RFC 6749 §10.2), so it cannot give itself an administrator's scope.
  if (d.scope !== undefined && typeof d.scope !== 'string') throw new InvalidMetadataDocument('scope must be a string');
  const asked = typeof d.scope === 'string' ? d.scope.split(' ').filter((word) => word !== '') : undefined;
  if (asked !== undefined && asked.length > 50) throw new InvalidMetadataDocument('scope names too many scopes');
  const scope = asked === undefined ? [...policy.scope] : asked.filter((word) => policy.scope.includes(word));
  if (scope.length === 0) throw new InvalidMetadataDocument('none of the scopes may be given to a self-service client');
  const metadata: ClientMetadata = {
    client_id: url,
    client_name: (d.client_name as string | undefined) ?? new URL(url).host,
    redirect_uris: d.redirect_uris as string[],
    // RP-Initiated Logout: used only with an id_token_hint issued to this client (oidc/logout/end-session-request.ts).
    post_logout_redirect_uris: d.post_logout_redirect_uris as string[] | undefined,
    grant_types: grantTypes as string[],
    response_types: d.response_types as string[] | undefined,
    scope: scope.join(' '),
    token_endpoint_auth_method: method,
    application_type: applicationType,
    jwks: d.jwks as ClientMetadata['jwks'],
    jwks_uri: d.jwks_uri as string | undefined,
  };
  let client: Client;
  try {
    client = clientFromMetadata(JSON.parse(JSON.stringify(metadata)) as unknown, now, hashing);
  } catch (error) {
    if (error instanceof InvalidClientMetadata) throw new InvalidMetadataDocument(error.message);
    throw error;
  }
  // Never a first-party client, whatever the document says (RFC 6749 §10.2: its identity is only its host's word).
  return { ...client, skipConsent: false, fromMetadataDocument: true };
}
