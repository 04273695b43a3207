import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerFactory } from 'fastify';
import { defaultResponseTypes } from '../authorize/index.js';
import type { ResponseTypeHandler } from '../authorize/types.js';
import { AccessTokenVerifier } from '../core/access-token-verifier.js';
import { auditToAll, noAudit, type AuditLog } from '../core/audit.js';
import { systemClock, type Clock } from '../core/clock.js';
import { ClientAuthenticator } from '../core/client-auth.js';
import { ClientAssertionVerifier, clientKeyLoader } from '../core/client-assertion.js';
import { FetchedJsonCache } from '../core/safe-fetch.js';
import { trackRequestCaller } from './request-caller.js';
import { MetadataDocumentClients } from './metadata-document-clients.js';
import { ClientSecretThrottle } from '../core/client-secret-throttle.js';
import { OAuthError } from '../core/errors.js';
import { SecretHashing } from '../core/secret-hash.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { cryptoRandom, type RandomSource } from '../core/random.js';
import { defaultGrants } from '../grants/index.js';
import { TokenIssuer } from '../grants/token-issuer.js';
import { IdTokenIssuer } from '../oidc/id-token.js';
import { BackChannelLogout } from '../oidc/logout/back-channel-logout.js';
import type { GrantContext, TokenGrant } from '../grants/types.js';
import { AuthorizationInteraction } from '../interaction/authorization-decision.js';
import { PasswordSignIn } from '../interaction/password-sign-in.js';
import { SignInProofs } from '../interaction/sign-in-proof.js';
import { IdTokenHints } from '../oidc/id-token-hint.js';
import { algsOf, defaultGraceSeconds, KeyRing, keysOfAlg } from '../keys/key-ring.js';
import { ResourceSigners } from '../keys/token-signers.js';
import type { ProtocolRegistry } from '../registry.js';
import { RegistryCache } from '../store/registry-cache.js';
import type { Store } from '../store/types.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import { registerErrorHandler } from './error-handler.js';
import type { ServerMetrics } from './metrics.js';
import { registerFormParser } from './form-body.js';
import { loggerOptions } from './logger.js';
import { requestIdGenerator } from './request-id.js';
import { registerRequestLog } from './request-log.js';
import { accountRoutes } from './routes/account.js';
import { authorizeRoutes } from './routes/authorize.js';
import { healthRoutes } from './routes/health.js';
import { introspectRevokeRoutes } from './routes/introspect-revoke.js';
import { endSessionRoutes, END_SESSION_PATH } from './routes/end-session.js';
import { sessionRoutes } from './routes/login.js';
import { metadataPaths, metadataRoutes } from './routes/metadata.js';
import { registrationRoutes } from './routes/registration.js';
import { corsPolicy, registerCors, type CorsRule } from './cors.js';
import { ClientUseRecorder, DynamicRegistration, REGISTRATION_PATH } from '../core/dynamic-registration.js';
import { USERINFO_PATH } from '../oidc/userinfo.js';
import { tokenRoute } from './routes/token.js';
import { userInfoRoutes } from './routes/userinfo.js';
import { Sessions, type BrowserSession } from './session.js';
import type { ConnectionTimeouts, ServerSettings } from './settings.js';
import type { Server } from 'node:http';

export interface ServerOptions {
  settings: ServerSettings;
  store: Store;
  /** The grants of the token endpoint; default: the built-in ones (`[...defaultGrants, myGrant]` adds one). */
  grants?: readonly TokenGrant[];
  /** The response types of the authorization endpoint; default: code and token. */
  responseTypes?: readonly ResponseTypeHandler[];
  clock?: Clock;
  random?: RandomSource;
  /** false silences logs (tests); default: JSON logs at settings.logLevel on stdout. */
  logger?: boolean;
  /** Where the JSON logs go instead of stdout (tests read them); overrides logger: false. */
  logStream?: { write(line: string): void };
  /**
   * The server secrets every derived key comes from (docs/SECURITY.md): signing keys are sealed
   * with them and tokens and client secrets hashed under them, so every process and instance on
   * one database needs the same ones. `ServerSecrets.ephemeral()` suits a test's in-memory store.
   */
  secrets: ServerSecrets;
  /** Prometheus metrics (server/metrics.ts), served by the caller on a listener of its own; default: none. */
  metrics?: ServerMetrics;
  /** Security audit events (core/audit.ts), e.g. an audit-log.ts JSON-lines file; default: none. */
  audit?: AuditLog;
  /** Fastify's serverFactory: serve on a node:http server the caller made (and may already listen on). */
  serverFactory?: FastifyServerFactory;
  /** How often the signing keys are read again from the store, in ms (default 5 s; keys/key-ring.ts). */
  keyReloadMs?: number;
  /**
   * How often the registry version is read, in ms (default 2 s, at most 5 s; store/registry-cache.ts):
   * how long a client or resource server changed by another process may go unseen here.
   */
  registryRefreshMs?: number;
  /** Back-channel logout's per-attempt timeout and pauses between attempts (oidc/logout/back-channel-logout.ts); defaults 5 s, [1 s, 5 s]. */
  backChannelLogout?: { timeoutMs?: number; retryDelaysMs?: readonly number[] };
}

/**
 * Fastify's defaults leave requestTimeout and connectionTimeout at 0: a client sending one byte
 * at a time would keep its connection for hours. Set on the server itself, so a server given
 * through serverFactory gets them too.
 */
function applyConnectionTimeouts(server: Server, timeouts: ConnectionTimeouts): void {
  server.headersTimeout = Math.min(timeouts.headersMs, timeouts.requestMs);
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.setTimeout(timeouts.idleMs);
}

/** Request bodies of an OAuth server are small; anything larger is refused with 413. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The whole authorization server, with no globals: start as many as a test needs. Each route
 * gets the narrow dependencies it uses; this is the one place that wires them.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { settings, store } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const { secrets } = options;
  // A key of every algorithm (SIGNING_ALGS), whether anything signs with it yet or not: a later choice signs with a key published long before.
  const keys = await KeyRing.load(store.keys, clock.nowSeconds(), secrets, { defaultAlg: settings.signingAlg });
  const registry: ProtocolRegistry = { grants: options.grants ?? defaultGrants, responseTypes: options.responseTypes ?? defaultResponseTypes };

  const app = Fastify({
    logger: options.logStream ? { ...loggerOptions(settings.logLevel), stream: options.logStream }
      : options.logger === false ? false : loggerOptions(settings.logLevel),
    bodyLimit: BODY_LIMIT_BYTES,
    // Without it, behind a proxy every client would share the proxy's address (and its throttle).
    ...(settings.trustProxy.length > 0 ? { trustProxy: [...settings.trustProxy] } : {}),
    // Our own onResponse hook logs requests: path without query string, errors at error level.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Request ids unique across workers and instances; a trusted proxy's X-Request-Id is kept.
    genReqId: requestIdGenerator(settings.trustProxy),
    requestIdHeader: false,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    // How often node checks requests against headersTimeout and requestTimeout (default 30 s).
    http: { connectionsCheckingInterval: Math.min(5_000, settings.timeouts.requestMs) },
  });
  applyConnectionTimeouts(app.server, settings.timeouts);
  await app.register(fastifyCookie);
  registerFormParser(app);
  registerErrorHandler(app);
  const hsts = new URL(settings.issuer).protocol === 'https:';
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    // RFC 6797: an https issuer tells browsers never to reach it over plain http.
    if (hsts) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  registerRequestLog(app, { logRequests: settings.logRequests });
  // docs/SECURITY.md "CORS": the endpoints browser apps call with fetch; never /authorize or the pages.
  const registrationOn = settings.dynamicRegistration.mode !== 'off';
  const read: CorsRule = { methods: ['GET'] };
  const post: CorsRule = { methods: ['POST'] };
  await registerCors(app, corsPolicy({
    ...Object.fromEntries(metadataPaths(settings.issuer).map((path) => [path, read])),
    '/jwks': read, '/token': post, '/revoke': post, '/introspect': post, [USERINFO_PATH]: { methods: ['GET', 'POST'] },
    ...(registrationOn ? { [REGISTRATION_PATH]: post } : {}),
  }, registrationOn ? { [`${REGISTRATION_PATH}/`]: { methods: ['GET', 'PUT', 'DELETE'] } } : {}));

  if (keys.sealedFromPlain.length > 0) {
    app.log.warn({ kids: keys.sealedFromPlain },
      'signing keys stored unencrypted by an earlier version are now sealed; anyone who could read the database before may hold them: run tessera keys rotate, restart, then tessera keys retire the old kid');
  }
  const { metrics } = options;
  const audit = auditToAll([options.audit ?? noAudit, metrics ?? noAudit]);
  // A key stored at this start because its algorithm had none (KeyRing.load): audited like rotations.
  for (const key of keys.created) audit.record({ event: 'key.created', kid: key.kid, alg: key.alg, reason: 'algorithm_without_key' });
  // Keys rotated or retired with `tessera keys` reach this server without a restart.
  keys.startReloading({
    intervalMs: options.keyReloadMs, clock,
    onError: (error) => app.log.warn({ err: error }, 'reading the signing keys again failed; the ones loaded before stay in use'),
    onRecovered: () => app.log.info('reading the signing keys works again'),
    onChange: (kids) => app.log.info(kids, 'signing keys changed'),
    // A key replaced longer ago than the access-token lifetime signed no token still valid.
    retireExpiredAfter: settings.accessTokenTtl,
    onRetired: (key) => {
      app.log.info(key, 'retired a signing key: every token it signed has expired');
      audit.record({ event: 'key.retired', kid: key.kid, alg: key.alg, reason: 'tokens_expired' });
    },
    rotateEvery: settings.keyRotationInterval > 0
      ? { intervalSeconds: settings.keyRotationInterval, graceSeconds: defaultGraceSeconds(settings.jwksMaxAge) } : undefined,
    onRotated: (key) => {
      app.log.info(key, 'rotated the signing key (--key-rotation-interval)');
      audit.record({ event: 'key.rotated', kid: key.kid, alg: key.alg, reason: 'rotation_interval' });
    },
  });
  app.addHook('onClose', async () => keys.stop());
  if (metrics) {
    // Keys rotate per algorithm: the age that matters is that of the algorithm rotated longest ago.
    metrics.observeSigningKeys(async () => {
      const active = await store.keys.listActive();
      const newestPerAlg = algsOf(active).map((alg) => Math.max(...keysOfAlg(active, alg).map((key) => key.createdAt)));
      return newestPerAlg.length === 0 ? undefined : Math.min(...newestPerAlg);
    });
    if (store.poolUse) metrics.observePool(() => store.poolUse?.() ?? { total: 0, idle: 0, waiting: 0 });
    store.observeQueries?.((seconds) => metrics.databaseQuery(seconds));
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
    app.addHook('onError', async (request, _reply, error) => {
      if (request.routeOptions.url !== '/token') return;
      metrics.tokenError(error instanceof OAuthError ? error.error : isDatabaseUnavailable(error) ? 'temporarily_unavailable' : 'server_error');
    });
  }
  // Clients and resource servers from memory; a change made elsewhere is seen within one refresh.
  const registryCache = await RegistryCache.start(store, {
    refreshMs: options.registryRefreshMs,
    onError: (error) => app.log.warn({ err: error }, 'reading the registry version failed; clients and resource servers are read from the database until it works again'),
    onRecovered: () => app.log.info('reading the registry version works again'),
  });
  app.addHook('onClose', async () => registryCache.stop());
  const { resources: resourceStore } = registryCache;
  const signIn = new PasswordSignIn(store.users, store.throttle, clock, undefined, audit);
  const hashing = new SecretHashing(secrets);
  // Client ID Metadata Documents (--client-id-metadata-documents on): https client_ids fetched, never stored.
  const cimd = settings.clientIdMetadataDocuments;
  // The caller's address, for the per-caller cap on metadata-document fetches (core/safe-fetch.ts).
  if (cimd?.enabled) trackRequestCaller(app);
  const clientStore = cimd?.enabled
    ? new MetadataDocumentClients(registryCache.clients, cimd, hashing, clock, settings.dynamicRegistration, (clientId, reason) => app.log.info({ reason }, 'refused a client ID metadata document'))
    : registryCache.clients;
  const grantContext: GrantContext = {
    settings, clock, random, signIn, hashing, audit,
    tokenIssuer: new TokenIssuer(settings, new ResourceSigners(keys, resourceStore), store.tokens, clock, random, hashing.tokens),
    idTokens: new IdTokenIssuer(settings, keys, clock), openIdGrants: store.openIdGrants,
    users: store.users, codes: store.codes, tokens: store.tokens, resourceServers: resourceStore,
  };
  const idTokenHints = new IdTokenHints(settings.issuer, keys);
  const backChannel = new BackChannelLogout({
    issuer: settings.issuer, clients: store.clients, sessions: store.openIdGrants, keys, clock, random, log: app.log,
    onOutcome: metrics ? (outcome) => metrics.backChannelLogout(outcome) : undefined,
    timeoutMs: options.backChannelLogout?.timeoutMs, retryDelaysMs: options.backChannelLogout?.retryDelaysMs,
  });
  const interaction = new AuthorizationInteraction({
    ...grantContext, consents: store.consents, clients: clientStore, idTokenHints, sessionMembersEnded: (members) => backChannel.membersEnded(members),
  });
  const sessions = new Sessions(store.sessions, settings, clock, random, secrets);
  const proofs = new SignInProofs(secrets, clock);

  app.addHook('onClose', async () => backChannel.close());
  // The one way a browser session ends (sign-out, RP-initiated logout): deleted, cookie cleared,
  // and its relying parties told in the background (Back-Channel Logout 1.0).
  const endSession = async (request: FastifyRequest, reply: FastifyReply, how: 'sign_out' | 'rp_logout'): Promise<void> => {
    const address = request.ip;
    const ended = await sessions.signOut(request, reply);
    if (!ended?.sid) return;
    audit.record({ event: 'session.ended', userId: ended.userId ?? undefined, address, requestId: request.id, reason: how });
    backChannel.sessionEnded(ended.sid);
  };
  // A sign-in as another user in the same browser ends the first user's session: its RPs are told too.
  const sessionReplaced = (request: FastifyRequest, ended: BrowserSession): void => {
    if (!ended.sid) return;
    audit.record({ event: 'session.ended', userId: ended.userId ?? undefined, address: request.ip, requestId: request.id, reason: 'replaced' });
    backChannel.sessionEnded(ended.sid);
  };
  metadataRoutes(app, settings.issuer, registry, keys, settings.jwksMaxAge, {
    endSessionEndpoint: `${settings.issuer}${END_SESSION_PATH}`,
    // Back-Channel Logout 1.0 §2.1: supported, with sid in every logout token.
    more: { backchannel_logout_supported: true, backchannel_logout_session_supported: true },
    registrationEndpoint: registrationOn ? `${settings.issuer}${REGISTRATION_PATH}` : undefined,
    // draft-ietf-oauth-client-id-metadata-document: https URLs are accepted as client_id.
    both: settings.clientIdMetadataDocuments?.enabled ? { client_id_metadata_document_supported: true } : {},
  });
  healthRoutes(app, { ping: () => store.ping(), keysLoaded: () => keys.jwks.keys.length > 0 });
  // jwks_uri documents: the same SSRF-safe fetcher as client ID metadata documents, cached in memory by their max-age.
  const jwksDocuments = new FetchedJsonCache({ allowPrivateHosts: settings.clientIdMetadataDocuments?.allowPrivateHosts === true, maxBytes: 64 * 1024 });
  const assertions = new ClientAssertionVerifier({ issuer: settings.issuer, jtis: store.assertionJtis, clock, keys: clientKeyLoader((url) => jwksDocuments.get(url)) });
  const clients = new ClientAuthenticator(clientStore, hashing.clientSecrets, new ClientSecretThrottle(store.throttle, clock), audit, assertions);
  const clientUse = new ClientUseRecorder(store.registrations, clock, (error) => app.log.warn({ err: error }, 'recording a client\'s use failed'));
  tokenRoute(app, { clients, registry, grants: grantContext, onClientUsed: (clientId) => clientUse.used(clientId) });
  if (registrationOn) {
    registrationRoutes(app, new DynamicRegistration({
      issuer: settings.issuer, settings: settings.dynamicRegistration, registrations: store.registrations, clients: store.clients,
      resourceServers: resourceStore, throttle: store.throttle, hashing, clock, random, registry, audit,
    }));
  }
  introspectRevokeRoutes(app, {
    issuer: settings.issuer, clients, tokens: store.tokens, tokenHash: hashing.tokens, resourceServers: resourceStore, clock, audit,
    accessTokens: new AccessTokenVerifier(settings.issuer, keys), denials: store.denials,
  });
  const requests = { clients: clientStore, resourceServers: resourceStore, registry, settings };
  authorizeRoutes(app, { requests, interaction, sessions, proofs });
  sessionRoutes(app, {
    issuer: settings.issuer, sessions, signIn, interaction, requests, proofs, endSession: (request, reply) => endSession(request, reply, 'sign_out'), sessionReplaced,
  });
  endSessionRoutes(app, {
    issuer: settings.issuer, sessions, interaction, endSession: (request, reply) => endSession(request, reply, 'rp_logout'),
    requests: { issuer: settings.issuer, clients: clientStore, jwks: () => keys.jwks },
  });
  accountRoutes(app, { issuer: settings.issuer, sessions, interaction });
  userInfoRoutes(app, {
    issuer: settings.issuer, audience: settings.audience, keys, users: store.users, denials: store.denials, tokens: store.tokens, tokenHash: hashing.tokens, clock,
  });
  return app;
}
