import { decodeJwt } from 'jose';
import type { Client, ClientStore, TokenEndpointAuthMethod } from '../store/types.js';
import { noAudit, type AuditLog } from './audit.js';
import { JWT_BEARER_ASSERTION_TYPE, type ClientAssertionVerifier } from './client-assertion.js';
import type { ClientSecretThrottle, ClientSecretTicket } from './client-secret-throttle.js';
import { InvalidClient, InvalidRequest, TooManyAttempts } from './errors.js';
import type { KeyedHash } from './secret-hash.js';

/** What the request presented to identify the client, before it is checked. */
export interface PresentedClient {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret: string | undefined;
  /** private_key_jwt: the client_assertion (RFC 7523 §2.2), whose sub named the client. */
  clientAssertion?: string | undefined;
}

/** The client a JWT client assertion names (its sub, RFC 7523 §3 item 2), read before the signature is checked. */
function assertionClientId(assertion: string): string {
  let sub: unknown;
  try {
    sub = decodeJwt(assertion).sub;
  } catch {
    throw new InvalidClient('The client assertion is not a valid JWT.');
  }
  if (typeof sub !== 'string' || sub === '' || !VSCHAR.test(sub)) throw new InvalidClient('The client assertion has no valid sub claim.');
  return sub;
}

/**
 * RFC 7521 §4.2 (and RFC 7523 §2.2): client_assertion_type and client_assertion, with no other
 * credentials (RFC 6749 §2.3: one method per request). client_id is optional and, when sent, must
 * be the assertion's client.
 */
function presentedAssertion(authorization: string | undefined, params: Readonly<Record<string, string>>): PresentedClient {
  const type = params.client_assertion_type;
  const assertion = params.client_assertion;
  if (authorization !== undefined || params.client_secret !== undefined) {
    throw new InvalidRequest('The request carries a client assertion and another client authentication; use one method (RFC 6749 section 2.3).');
  }
  if (type === undefined || assertion === undefined || assertion === '') {
    throw new InvalidRequest('client_assertion_type and client_assertion must be sent together (RFC 7521 section 4.2).');
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) throw new InvalidClient('Unsupported client_assertion_type; this server accepts JWT client assertions (RFC 7523).');
  const clientId = assertionClientId(assertion);
  if (params.client_id !== undefined && params.client_id !== clientId) {
    throw new InvalidClient('client_id differs from the client the assertion names.');
  }
  return { method: 'private_key_jwt', clientId, clientSecret: undefined, clientAssertion: assertion };
}

// RFC 6749 Appendix A.1: client_id = *VSCHAR
const VSCHAR = /^[\x20-\x7E]+$/;

/** RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before Basic encoding. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClient('The Basic credentials are not valid application/x-www-form-urlencoded values.', true);
  }
}

function parseBasic(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * Reads the client's credentials from the Authorization header or the body.
 * RFC 6749 §2.3: the client MUST NOT use more than one authentication method in each request.
 */
export function presentedClient(authorization: string | undefined, params: Readonly<Record<string, string>>): PresentedClient {
  if (params.client_assertion_type !== undefined || params.client_assertion !== undefined) return presentedAssertion(authorization, params);
  if (authorization !== undefined && /^Basic(\s|$)/i.test(authorization)) {
    const basic = parseBasic(authorization);
    if (!basic || basic.clientId === '') throw new InvalidClient('The Authorization header is not valid Basic client credentials.', true);
    if (params.client_secret !== undefined) {
      throw new InvalidRequest('The client authenticated with both client_secret_basic and client_secret_post; use one method (RFC 6749 section 2.3).');
    }
    if (params.client_id !== undefined && params.client_id !== basic.clientId) {
      throw new InvalidRequest('client_id in the body differs from the client_id in the Authorization header.');
    }
    if (!VSCHAR.test(basic.clientId)) throw new InvalidClient('client_id must be printable ASCII (RFC 6749 Appendix A.1).', true);
    return { method: 'client_secret_basic', clientId: basic.clientId, clientSecret: basic.clientSecret };
  }
  if (authorization !== undefined && authorization !== '') {
    throw new InvalidClient('Unsupported Authorization scheme; use Basic client credentials or client_secret_post.', true);
  }
  const clientId = params.client_id;
  if (clientId !== undefined && !VSCHAR.test(clientId)) throw new InvalidClient('client_id must be printable ASCII (RFC 6749 Appendix A.1).', true);
  if (clientId === undefined || clientId === '') {
    throw new InvalidClient('Client authentication is required: send client_id and client_secret with Basic or in the body.', true);
  }
  if (params.client_secret !== undefined) {
    return { method: 'client_secret_post', clientId, clientSecret: params.client_secret };
  }
  return { method: 'none', clientId, clientSecret: undefined };
}


/**
 * Checks presented credentials against the registered client; one place for every endpoint.
 * Client secrets are kept as keyed hashes (core/secret-hash.ts); one that still matches under an
 * older server secret, or as the plain SHA-256 of earlier versions, is rehashed on this use.
 */
export class ClientAuthenticator {
  // Compared against when the client is unknown, so that an unknown client_id costs the same time
  // as a wrong secret and does not reveal which client_ids exist.
  private readonly decoyHash: string;

  constructor(private readonly clients: ClientStore, private readonly secretHash: KeyedHash, private readonly throttle?: ClientSecretThrottle, private readonly audit: AuditLog = noAudit, private readonly assertions?: ClientAssertionVerifier) {
    this.decoyHash = secretHash.hash('tessera-decoy-secret');
  }

  /** `address`: the caller's, for the brute-force limits of RFC 6749 §2.3.1. */
  async authenticate(presented: PresentedClient, address: string, requestId?: string): Promise<Client> {
    const usedBasic = presented.method === 'client_secret_basic';
    const failed = (reason: string) => this.audit.record({ event: 'client_authentication.failed', clientId: presented.clientId, address, requestId, reason });
    let ticket: ClientSecretTicket | undefined;
    if (presented.clientSecret !== undefined && this.throttle) {
      const admission = await this.throttle.admit(presented.clientId, address);
      if (admission.ticket === undefined) {
        failed('throttled');
        throw new TooManyAttempts('Too many failed client authentications; wait before trying again.', admission.retryAfter);
      }
      ticket = admission.ticket;
    }
    try {
      return await this.check(presented, usedBasic, failed, ticket);
    } finally {
      ticket?.release();
    }
  }

  private async check(presented: PresentedClient, usedBasic: boolean, failed: (reason: string) => void, ticket: ClientSecretTicket | undefined): Promise<Client> {
    const client = await this.clients.get(presented.clientId);
    if (presented.clientAssertion !== undefined) return this.checkAssertion(client, presented.clientAssertion, failed);
    if (presented.clientSecret !== undefined) {
      const verdict = this.secretHash.verify(presented.clientSecret, client?.secretHash ?? this.decoyHash);
      if (!client || client.secretHash === null || !verdict.ok) {
        await ticket?.failed();
        failed('wrong_secret');
        throw new InvalidClient('Client authentication failed: unknown client or wrong secret.', usedBasic);
      }
      if (!verdict.current) await this.clients.replaceSecretHash(client.clientId, client.secretHash, this.secretHash.hash(presented.clientSecret));
    } else if (!client || client.secretHash !== null) {
      failed('secret_required');
      throw new InvalidClient('Client authentication failed: this client must authenticate with its secret.', usedBasic);
    }
    if (client.tokenEndpointAuthMethod !== presented.method) {
      failed('wrong_method');
      throw new InvalidClient('This client is registered for another token endpoint authentication method.', usedBasic);
    }
    return client;
  }

  /** private_key_jwt: only a client registered for it, its assertion verified (client-assertion.ts). Fixed descriptions. */
  private async checkAssertion(client: Client | undefined, assertion: string, failed: (reason: string) => void): Promise<Client> {
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt' || !this.assertions) {
      failed(client ? 'wrong_method' : 'unknown_client');
      throw new InvalidClient('Client authentication failed: unknown client or a client not registered for private_key_jwt.');
    }
    const rejection = await this.assertions.verify(client, assertion);
    if (rejection !== undefined) {
      failed(`assertion_${rejection}`);
      throw new InvalidClient(rejection === 'replayed'
        ? 'Client authentication failed: this client assertion was already used.'
        : 'Client authentication failed: the client assertion is not valid.');
    }
    return client;
  }
}
