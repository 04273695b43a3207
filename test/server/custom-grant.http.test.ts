import type { FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Only the package's public entry: a library user adds a grant without touching src/.
import {
  buildServer, clientFromMetadata, defaultGrants, defaultRegistry, defineGrant, InvalidClientMetadata, InvalidGrant, InvalidRequest,
  serverSettings, type GrantContext, type ProtocolRegistry,
} from '../../src/index.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';

const GRANT_TYPE = 'urn:example:params:oauth:grant-type:partner-key';

interface PartnerKeyRequest {
  partnerKey: string;
}

/** A made-up extension grant (RFC 6749 §4.5): a partner key becomes a short, scoped access token. */
const partnerKeyGrant = defineGrant<PartnerKeyRequest>({
  grantType: GRANT_TYPE,
  clientAuthentication: 'confidential',
  parse({ params }) {
    if (params.partner_key === undefined) throw new InvalidRequest('partner_key is required.');
    return { partnerKey: params.partner_key };
  },
  async handle(request, client, ctx: Pick<GrantContext, 'tokenIssuer' | 'settings'>) {
    if (request.partnerKey !== 'open-sesame') throw new InvalidGrant('The partner key is not valid.');
    return ctx.tokenIssuer.issue({ client, userId: null, scope: ['partner'], audience: ctx.settings.audience, withRefreshToken: false });
  },
});

describe('a grant registered from outside src/', () => {
  const registry: ProtocolRegistry = { ...defaultRegistry, grants: [...defaultGrants, partnerKeyGrant] };
  let http: Server;
  let app: FastifyInstance;
  let issuer: string;
  let store: SqliteStore;
  const secrets = ServerSecrets.ephemeral();
  const hashing = new SecretHashing(secrets);

  beforeAll(async () => {
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    store = new SqliteStore(':memory:');
    const now = Math.floor(Date.now() / 1000);
    await store.clients.upsert(clientFromMetadata({ client_id: 'partner', client_secret: 'partner-secret', grant_types: [GRANT_TYPE], scope: 'partner' }, now, hashing, registry));
    await store.clients.upsert(clientFromMetadata({ client_id: 'plain', client_secret: 'plain-secret', grant_types: ['client_credentials'] }, now, hashing, registry));
    app = await buildServer({
      settings: serverSettings({ issuer, logLevel: 'silent' }), store, grants: registry.grants, logger: false, secrets,
      serverFactory: (handler) => http.on('request', handler),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('is advertised in the metadata document', async () => {
    const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json() as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toContain(GRANT_TYPE);
    expect(metadata.grant_types_supported).toContain('implicit');
  });

  it('issues a token to a client registered for it', async () => {
    const response = await postForm(`${issuer}/token`, new URLSearchParams({ grant_type: GRANT_TYPE, partner_key: 'open-sesame' }).toString(), { authorization: basic('partner', 'partner-secret') });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ token_type: 'Bearer', scope: 'partner' });
  });

  it('parses its own parameters and answers with RFC 6749 §5.2 errors', async () => {
    const missing = await postForm(`${issuer}/token`, `grant_type=${encodeURIComponent(GRANT_TYPE)}`, { authorization: basic('partner', 'partner-secret') });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe('invalid_request');
    const wrong = await postForm(`${issuer}/token`, new URLSearchParams({ grant_type: GRANT_TYPE, partner_key: 'nope' }).toString(), { authorization: basic('partner', 'partner-secret') });
    expect(wrong.json.error).toBe('invalid_grant');
  });

  it('is refused to a client not registered for it', async () => {
    const response = await postForm(`${issuer}/token`, new URLSearchParams({ grant_type: GRANT_TYPE, partner_key: 'open-sesame' }).toString(), { authorization: basic('plain', 'plain-secret') });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('unauthorized_client');
  });

  it('its client-authentication policy reaches client registration', () => {
    expect(() => clientFromMetadata({ client_id: 'spa', token_endpoint_auth_method: 'none', grant_types: [GRANT_TYPE] }, 0, hashing, registry))
      .toThrow(InvalidClientMetadata);
    // Without the grant in the registry, the grant type is unknown to registration.
    expect(() => clientFromMetadata({ client_id: 'p', client_secret: 's', grant_types: [GRANT_TYPE] }, 0, hashing)).toThrow(/unknown grant type/);
  });
});
