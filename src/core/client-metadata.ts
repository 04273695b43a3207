import { confidentialOnlyGrantTypes, defaultRegistry, registrableGrantTypes, type ProtocolRegistry } from '../registry.js';
import { SIGNING_ALGS, type Client, type ClientJwks, type SigningAlg, type TokenEndpointAuthMethod } from '../store/types.js';
import { parseScope } from './scope.js';
import type { SecretHashing } from './secret-hash.js';

/** Client registration in RFC 7591 §2 metadata names, plus Tessera's `resources` and `skip_consent`. */
export interface ClientMetadata {
  client_id: string;
  client_secret?: string | undefined;
  client_name?: string | undefined;
  redirect_uris?: string[] | undefined;
  grant_types?: string[] | undefined;
  response_types?: string[] | undefined;
  scope?: string | undefined;
  token_endpoint_auth_method?: string | undefined;
  resources?: string[] | undefined;
  skip_consent?: boolean | undefined;
  /** RFC 7591 (OpenID Connect Registration §2): 'web' (default) or 'native'. */
  application_type?: 'web' | 'native' | undefined;
  /** OpenID Connect Registration §2: the JWS alg of the client's ID tokens (RS256 when absent). */
  id_token_signed_response_alg?: string | undefined;
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1: where logout may return the browser (exact match). */
  post_logout_redirect_uris?: string[] | undefined;
  /** OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed (https, or http on a loopback host). */
  backchannel_logout_uri?: string | undefined;
  /** Back-Channel Logout 1.0 §2.2: the RP needs `sid` in logout tokens (it is always sent). */
  backchannel_logout_session_required?: boolean | undefined;
  /** RFC 7591 §2: the client's public keys, for private_key_jwt (inline). */
  jwks?: { keys: Record<string, unknown>[] } | undefined;
  /** RFC 7591 §2: where the client's public keys are (https), for private_key_jwt. */
  jwks_uri?: string | undefined;
}

/** A registration that cannot be accepted, with a message that says what to fix. */
export class InvalidClientMetadata extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClientMetadata';
  }
}

export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

// RFC 6749 Appendix A.1: client_id = *VSCHAR
const VSCHAR = /^[\x20-\x7E]+$/;

function stringList(value: unknown, field: string, who: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidClientMetadata(`${who}: ${field} must be an array of strings.`);
  }
  return value as string[];
}

function checkRedirectUri(uri: string, who: string): void {
  // Compared byte for byte with what authorization requests send (RFC 9700 §4.1.3), so it must
  // be the one ASCII spelling a browser sends.
  if (!/^[\x21-\x7E]+$/.test(uri)) {
    throw new InvalidClientMetadata(`${who}: redirect URIs must be ASCII without spaces: write an international domain name in punycode (xn--...) and percent-encode other characters.`);
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidClientMetadata(`${who}: redirect URI "${uri}" must be an absolute URI (RFC 6749 §3.1.2).`);
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (url.hash !== '' || uri.includes('#')) {
    throw new InvalidClientMetadata(`${who}: redirect URI "${uri}" must not contain a fragment (RFC 6749 §3.1.2).`);
  }
  if (url.protocol === 'javascript:' || url.protocol === 'data:') {
    throw new InvalidClientMetadata(`${who}: redirect URI "${uri}" uses a forbidden scheme.`);
  }
}

/** http is allowed for these hosts only, as for the issuer in local development; anywhere else a logout token must travel over TLS. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Back-Channel Logout 1.0 §2.2: an absolute URI, no fragment. The server POSTs to it, so it must
 * be https (a logout token is a bearer credential of sorts), or http on a loopback host for local
 * development (docs/SECURITY.md: outbound requests).
 */
function checkBackchannelLogoutUri(uri: string, who: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidClientMetadata(`${who}: backchannel_logout_uri must be an absolute URI.`);
  }
  if (url.hash !== '' || uri.includes('#')) throw new InvalidClientMetadata(`${who}: backchannel_logout_uri must not contain a fragment (Back-Channel Logout 1.0 section 2.2).`);
  if (url.username !== '' || url.password !== '') throw new InvalidClientMetadata(`${who}: backchannel_logout_uri must not contain credentials.`);
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new InvalidClientMetadata(`${who}: backchannel_logout_uri must use https (http only on 127.0.0.1, [::1] or localhost).`);
  }
}

/**
 * RFC 7591 §2: jwks (inline) or jwks_uri, never both; required by private_key_jwt (OpenID Connect
 * Core §9) and refused otherwise. Only public asymmetric keys: a private member (d) or a symmetric
 * key in a registration is a mistake that would leak or weaken the client's credential.
 */
function clientKeys(jwks: unknown, jwksUri: unknown, required: boolean, who: string): { jwks?: ClientJwks; jwksUri?: string } {
  if (jwks !== undefined && jwksUri !== undefined) throw new InvalidClientMetadata(`${who}: jwks and jwks_uri must not both be present (RFC 7591 section 2).`);
  if (jwks === undefined && jwksUri === undefined) {
    if (required) throw new InvalidClientMetadata(`${who}: a private_key_jwt client needs jwks or jwks_uri.`);
    return {};
  }
  if (!required) throw new InvalidClientMetadata(`${who}: jwks and jwks_uri are for token_endpoint_auth_method private_key_jwt.`);
  if (jwksUri !== undefined) {
    if (typeof jwksUri !== 'string') throw new InvalidClientMetadata(`${who}: jwks_uri must be a string.`);
    let url: URL;
    try {
      url = new URL(jwksUri);
    } catch {
      throw new InvalidClientMetadata(`${who}: jwks_uri must be an absolute URL.`);
    }
    const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
    if ((url.protocol !== 'https:' && !loopbackHttp) || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new InvalidClientMetadata(`${who}: jwks_uri must be an https URL without fragment or credentials (http only on a loopback host, for development).`);
    }
    return { jwksUri };
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new InvalidClientMetadata(`${who}: jwks must be a JWK Set: {"keys": [...]}.`);
  }
  const list = (jwks as { keys: unknown[] }).keys;
  if (list.length === 0 || list.length > 20) throw new InvalidClientMetadata(`${who}: jwks must have between 1 and 20 keys.`);
  for (const key of list) {
    if (typeof key !== 'object' || key === null || !['RSA', 'EC', 'OKP'].includes(String((key as { kty?: unknown }).kty))) {
      throw new InvalidClientMetadata(`${who}: every key in jwks must be an RSA, EC or OKP public key.`);
    }
    if ('d' in key || 'p' in key || 'k' in key) throw new InvalidClientMetadata(`${who}: jwks must hold public keys only (no private members).`);
  }
  return { jwks: { keys: list as Record<string, unknown>[] } };
}

/**
 * Validates RFC 7591 metadata and returns the Client to store. The client_secret itself is never
 * kept, only its keyed hash. The grant and response types it accepts are the registry's.
 */
export function clientFromMetadata(input: unknown, now: number, hashing: SecretHashing, registry: ProtocolRegistry = defaultRegistry): Client {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidClientMetadata('a client must be a JSON object of RFC 7591 metadata.');
  }
  const m = input as Record<string, unknown>;
  if (typeof m.client_id !== 'string' || m.client_id === '' || !VSCHAR.test(m.client_id)) {
    throw new InvalidClientMetadata('every client needs a client_id of printable ASCII characters.');
  }
  const clientId = m.client_id;
  const who = `client "${clientId}"`;
  const known = new Set(['client_id', 'client_secret', 'client_name', 'redirect_uris', 'grant_types', 'response_types',
    'scope', 'token_endpoint_auth_method', 'resources', 'skip_consent', 'application_type', 'id_token_signed_response_alg',
    'post_logout_redirect_uris', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'jwks', 'jwks_uri']);
  for (const key of Object.keys(m)) {
    if (!known.has(key)) throw new InvalidClientMetadata(`${who}: unknown field "${key}" (expected RFC 7591 names such as ${[...known].join(', ')}).`);
  }

  const knownGrantTypes = registrableGrantTypes(registry);
  const grantTypes = stringList(m.grant_types, 'grant_types', who) ?? ['authorization_code'];
  for (const grant of grantTypes) {
    if (!knownGrantTypes.includes(grant)) {
      throw new InvalidClientMetadata(`${who}: unknown grant type "${grant}" (known: ${knownGrantTypes.join(', ')}).`);
    }
  }
  const derivedResponseTypes = registry.responseTypes.filter((handler) => grantTypes.includes(handler.grantType)).map((handler) => handler.responseType);
  const responseTypes = stringList(m.response_types, 'response_types', who) ?? derivedResponseTypes;
  for (const type of responseTypes) {
    if (!registry.responseTypes.some((handler) => handler.responseType === type)) {
      const known = registry.responseTypes.map((handler) => handler.responseType).join(', ');
      throw new InvalidClientMetadata(`${who}: unknown response type "${type}" (known: ${known}).`);
    }
  }
  // RFC 7591 §2.1: grant_types and response_types must agree.
  for (const handler of registry.responseTypes) {
    if (responseTypes.includes(handler.responseType) !== grantTypes.includes(handler.grantType)) {
      throw new InvalidClientMetadata(`${who}: response type "${handler.responseType}" goes with grant type "${handler.grantType}" (RFC 7591 §2.1).`);
    }
  }

  const redirectUris = stringList(m.redirect_uris, 'redirect_uris', who) ?? [];
  for (const uri of redirectUris) checkRedirectUri(uri, who);

  const method = m.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !(AUTH_METHODS as readonly string[]).includes(method)) {
    throw new InvalidClientMetadata(`${who}: token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`);
  }
  const secret = m.client_secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new InvalidClientMetadata(`${who}: client_secret must be a non-empty string.`);
  }
  if (method === 'none' && secret !== undefined) {
    throw new InvalidClientMetadata(`${who}: a public client (token_endpoint_auth_method "none") must not have a client_secret.`);
  }
  if (method === 'private_key_jwt' && secret !== undefined) {
    throw new InvalidClientMetadata(`${who}: a private_key_jwt client authenticates with its keys and must not have a client_secret.`);
  }
  if (method !== 'none' && method !== 'private_key_jwt' && secret === undefined) {
    throw new InvalidClientMetadata(`${who}: a confidential client needs a client_secret (or token_endpoint_auth_method "none" for a public client).`);
  }
  const keys = clientKeys(m.jwks, m.jwks_uri, method === 'private_key_jwt', who);
  // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients (and
  // any other grant whose module says so).
  const confidentialOnly = grantTypes.find((grant) => confidentialOnlyGrantTypes(registry).includes(grant));
  if (method === 'none' && confidentialOnly !== undefined) {
    throw new InvalidClientMetadata(`${who}: a public client cannot use the ${confidentialOnly} grant (RFC 6749 §4.4).`);
  }

  if (responseTypes.length > 0 && redirectUris.length === 0) {
    throw new InvalidClientMetadata(`${who}: redirect_uris is required for the grants that use the authorization endpoint.`);
  }
  if (m.scope !== undefined && typeof m.scope !== 'string') throw new InvalidClientMetadata(`${who}: scope must be a space-separated string.`);
  let scope: string[];
  try {
    scope = parseScope(m.scope as string | undefined);
  } catch {
    throw new InvalidClientMetadata(`${who}: scope "${String(m.scope)}" has characters RFC 6749 §3.3 does not allow.`);
  }
  const resources = stringList(m.resources, 'resources', who) ?? [];
  for (const resource of resources) {
    try {
      if (new URL(resource).hash !== '' || resource.includes('#')) throw new Error('fragment');
    } catch {
      throw new InvalidClientMetadata(`${who}: resource "${resource}" must be an absolute URI without a fragment (RFC 8707 §2).`);
    }
  }
  if (m.client_name !== undefined && typeof m.client_name !== 'string') throw new InvalidClientMetadata(`${who}: client_name must be a string.`);
  if (m.skip_consent !== undefined && typeof m.skip_consent !== 'boolean') throw new InvalidClientMetadata(`${who}: skip_consent must be true or false.`);
  // RFC 8252 §8.6: a client whose identity cannot be assured never skips the user's consent.
  const applicationType = m.application_type ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') {
    throw new InvalidClientMetadata(`${who}: application_type must be "web" or "native".`);
  }
  // RFC 8252 §8.5/§8.6: a public or native client's identity cannot be assured, so it never skips consent.
  if (m.skip_consent === true && (method === 'none' || applicationType === 'native')) {
    throw new InvalidClientMetadata(`${who}: skip_consent needs a confidential web client; public and native clients always ask the user (RFC 8252 section 8.6).`);
  }

  // OpenID Connect Registration §2: id_token_signed_response_alg, default RS256; "none" is refused
  // since this server only issues ID tokens from the token endpoint, and signs every one (Core §3.1.3.7).
  const idTokenAlg = m.id_token_signed_response_alg;
  if (idTokenAlg !== undefined && (typeof idTokenAlg !== 'string' || !(SIGNING_ALGS as readonly string[]).includes(idTokenAlg))) {
    throw new InvalidClientMetadata(`${who}: id_token_signed_response_alg must be one of ${SIGNING_ALGS.join(', ')}.`);
  }

  // RP-Initiated Logout 1.0 §3.1: registered like redirect URIs, compared exactly the same way.
  const postLogoutRedirectUris = stringList(m.post_logout_redirect_uris, 'post_logout_redirect_uris', who) ?? [];
  for (const uri of postLogoutRedirectUris) checkRedirectUri(uri, who);
  const backchannelLogoutUri = m.backchannel_logout_uri;
  if (backchannelLogoutUri !== undefined) {
    if (typeof backchannelLogoutUri !== 'string') throw new InvalidClientMetadata(`${who}: backchannel_logout_uri must be a string.`);
    checkBackchannelLogoutUri(backchannelLogoutUri, who);
  }
  if (m.backchannel_logout_session_required !== undefined && typeof m.backchannel_logout_session_required !== 'boolean') {
    throw new InvalidClientMetadata(`${who}: backchannel_logout_session_required must be true or false.`);
  }

  return {
    ...(idTokenAlg !== undefined ? { idTokenSignedResponseAlg: idTokenAlg as SigningAlg } : {}),
    ...(postLogoutRedirectUris.length > 0 ? { postLogoutRedirectUris } : {}),
    ...(backchannelLogoutUri !== undefined ? { backchannelLogoutUri } : {}),
    ...(m.backchannel_logout_session_required === true ? { backchannelLogoutSessionRequired: true } : {}),
    ...keys,
    clientId,
    clientName: (m.client_name as string | undefined) ?? clientId,
    secretHash: typeof secret === 'string' ? hashing.clientSecrets.hash(secret) : null,
    redirectUris,
    grantTypes,
    responseTypes,
    scope,
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    resources,
    skipConsent: m.skip_consent === true,
    applicationType,
    createdAt: now,
  };
}

/** The client as RFC 7591 metadata, for display; the secret is never shown. */
export function clientToMetadata(client: Client): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    scope: client.scope.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    resources: client.resources,
    skip_consent: client.skipConsent,
    application_type: client.applicationType,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg ?? 'RS256',
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    ...(client.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired === true,
    ...(client.jwks !== undefined ? { jwks: client.jwks } : {}),
    ...(client.jwksUri !== undefined ? { jwks_uri: client.jwksUri } : {}),
  };
}
