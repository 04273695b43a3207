import type { DemoUrls } from '../../demo-urls.js';

/** The copy and the fixed inputs of the registration page (flows/registration-page.ts). */

export const REGISTRATION_PATH = '/registration';
export const METADATA_DOCUMENT_PATH = `${REGISTRATION_PATH}/client-metadata.json`;

/**
 * What the page registers (RFC 7591 §2): a confidential web client, so that the answer carries
 * the two credentials the page must mask, a client_secret and a registration_access_token. A web
 * client's redirect URIs must be https (docs/CONFIGURATION.md), so it names an example host: the
 * client exists to show its registration's life, not to run a flow.
 */
export function registrationRequest(clientName: string): Record<string, unknown> {
  return {
    client_name: clientName,
    application_type: 'web',
    redirect_uris: ['https://photo-printer.example/callback'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

export const DEFAULT_CLIENT_NAME = 'Playground Photo Printer';

/**
 * The playground's Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document §4):
 * client_id is the document's own URL; no secret is possible (token_endpoint_auth_method none),
 * and a native application_type, whose loopback http redirect URI the self-registration rules allow.
 */
export function clientMetadataDocument(urls: DemoUrls): Record<string, unknown> {
  return {
    client_id: `${urls.client}${METADATA_DOCUMENT_PATH}`,
    client_name: 'Playground (metadata document)',
    application_type: 'native',
    redirect_uris: [`${urls.client}${REGISTRATION_PATH}/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

export const REGISTRATION_NOTES = {
  register: [
    'RFC 7591 §3.1: the client POSTs its metadata as JSON; no credentials are needed when registration is open (an initial access token would be, with --dynamic-registration token).',
    'RFC 7591 §3.2.1: 201 Created, the client_id the server chose, a client_secret it made (masked here), and for RFC 7592 a registration_access_token (masked) and the registration_client_uri where the client manages its registration.',
    'Cache-Control: no-store: the answer carries credentials.',
    'The server cut the scope down to its self-service scope (--dynamic-registration-scope): a client cannot give itself more than an administrator allows.',
  ],
  read: [
    'RFC 7592 §2.1: GET the registration_client_uri with the registration access token as a Bearer token (masked here): the server answers the client\'s current metadata.',
  ],
  delete: [
    'RFC 7592 §2.3: DELETE with the same token; 204 No Content. The client and its grants are gone, and the token with them.',
  ],
  readAfterDelete: [
    'RFC 7592 §2.1: a token that is no longer valid gets 401, whether or not the client ever existed; the server says nothing more.',
  ],
} as const;
