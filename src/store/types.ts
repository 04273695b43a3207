/**
 * Store interfaces, split by concern. Every operation that must happen once is a single
 * intention-revealing call (codes.redeem, tokens.rotateRefreshToken) that the backend makes atomic.
 */

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** A JSON Web Key Set (RFC 7517 §5): the public keys a private_key_jwt client signs its assertions with. */
export interface ClientJwks {
  keys: Record<string, unknown>[];
}

export interface Client {
  clientId: string;
  clientName: string;
  /** SHA-256 (base64url) of the client secret; null for a public client. */
  secretHash: string | null;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  /** What the client may request; also the default when a request names no scope. */
  scope: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** RFC 8707 resource indicators the client may ask for, besides the default audience. */
  resources: string[];
  /** First-party clients may skip the consent page. */
  skipConsent: boolean;
  /**
   * RFC 7591 application_type (from OpenID Connect Registration): 'native' apps may use loopback
   * redirect URIs with any port (RFC 8252 §7.3); 'web' clients get exact matching, port included.
   */
  applicationType: 'web' | 'native';
  /**
   * OpenID Connect Registration §2 id_token_signed_response_alg: how this client's ID tokens are
   * signed; absent means RS256 (OpenID Connect Core §15.1, the default every client supports).
   */
  idTokenSignedResponseAlg?: SigningAlg | undefined;
  /**
   * OpenID Connect RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris: where the end-session
   * endpoint may send the browser back after logout (exact match); absent or empty: nowhere.
   */
  postLogoutRedirectUris?: string[] | undefined;
  /** OpenID Connect Back-Channel Logout 1.0 §2.2 backchannel_logout_uri: where logout tokens are POSTed; absent: none. */
  backchannelLogoutUri?: string | undefined;
  /** Back-Channel Logout 1.0 §2.2 backchannel_logout_session_required: the client needs `sid` in logout tokens. */
  backchannelLogoutSessionRequired?: boolean | undefined;
  /** RFC 7591 §2 jwks: the client's public keys, inline (private_key_jwt); at most one of jwks and jwksUri. */
  jwks?: ClientJwks | undefined;
  /** RFC 7591 §2 jwks_uri: where the client's public keys are fetched (core/safe-fetch.ts, cached). */
  jwksUri?: string | undefined;
  /**
   * Set on a client read from its Client ID Metadata Document (client_id is the document's https
   * URL), never stored: its identity is only what its host says, so the consent page says so and
   * consent is never skipped (core/client-id-metadata-document.ts).
   */
  fromMetadataDocument?: true | undefined;
  createdAt: number;
}

/** A public client (token_endpoint_auth_method none) proves nothing about its identity at the token endpoint. */
export function isPublicClient(client: Pick<Client, 'tokenEndpointAuthMethod'>): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}

export interface ClientStore {
  get(clientId: string): Promise<Client | undefined>;
  list(): Promise<Client[]>;
  /** Inserts or replaces the client by client_id. */
  upsert(client: Client): Promise<void>;
  /** Replaces the client's secret hash if it is still `expected` (a rehash under the current server secret). */
  replaceSecretHash(clientId: string, expected: string, replacement: string): Promise<boolean>;
  /**
   * Deletes the client and, in the same transaction, everything granted to it: consents and its
   * place among APIs' introspection clients (a later client registered under the same client_id
   * inherits neither), codes, and its tokens are revoked.
   * True when a client was deleted.
   */
  delete(clientId: string, now: number): Promise<boolean>;
}

export interface User {
  /** Stable subject identifier, never reassigned. */
  id: string;
  username: string;
  /** argon2id hash (PHC string). */
  passwordHash: string;
  /**
   * The user's OpenID Connect standard claims (Core §5.1), validated by oidc/standard-claims.ts;
   * `updated_at` is maintained there. Empty for a user with none.
   */
  claims: UserClaims;
  createdAt: number;
}

/** OpenID Connect Core §5.1 standard claims of a user (without `sub`), JSON values by claim name. */
export type UserClaims = Readonly<Record<string, unknown>>;

export interface UserStore {
  getByUsername(username: string): Promise<User | undefined>;
  getById(id: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** Inserts, or updates the password and claims of, the user with this username; returns the stored user. */
  upsert(user: User): Promise<User>;
  /**
   * Deletes the user and, in the same transaction, everything granted in their name: consents,
   * codes, signed-in sessions, and their tokens are revoked. True when a user was deleted.
   */
  delete(username: string, now: number): Promise<boolean>;
  /**
   * Ends the user's sessions and grants (after a password change): signed-in sessions deleted,
   * tokens revoked, codes deleted, in one transaction; consents are kept.
   */
  endSessions(userId: string, now: number): Promise<void>;
}

/**
 * What the tokens table holds: refresh tokens. Access tokens are not stored (DESIGN.md); rows of kind
 * 'access_token' are an earlier version's, read only for its own tokens and purged after they expire.
 */
export type TokenKind = 'access_token' | 'refresh_token';

/** An issued token. Only its hash is stored, never the token. */
export interface TokenRecord {
  /** SHA-256 (base64url) of the token string. */
  hash: string;
  kind: TokenKind;
  jti: string;
  clientId: string;
  /** The user's id, or the client_id for a token with no user. */
  subject: string;
  /** Set when the token acts for a user. */
  userId: string | null;
  scope: string[];
  audience: string;
  issuedAt: number;
  expiresAt: number;
  /** Tokens of one grant (one code, one refresh chain) share a family, revoked together. */
  familyId: string;
  revokedAt: number | null;
  /** For refresh tokens: when it was used and replaced by a newer one. */
  rotatedAt: number | null;
}

/**
 * A rotation's successor tokens, kept for a short retry window so that the same client presenting
 * the same refresh token again (a parallel request, or a retry after a lost response) gets the
 * same tokens instead of a revoked grant. Sealed by the caller under a key derived from the
 * rotated refresh token, which the store never holds: the store cannot read them.
 */
export interface SealedSuccessor {
  /** The successor tokens, sealed (opaque to the store). */
  sealed: string;
  /**
   * The jti of the successor access token (which is not stored): a retry is refused once it has
   * been revoked (the deny list), as once its refresh token has been used or revoked.
   */
  accessTokenId: string;
  /** A retry is answered while `now < until`; from then on it is a replay. */
  until: number;
}

export type RotateResult =
  | { outcome: 'rotated'; previous: TokenRecord }
  /**
   * A retry: the token was rotated by this client before `until`, and its successors (the
   * replacements saved then) are all still live and unused. `sealed` is what that rotation kept;
   * nothing was changed or saved now.
   */
  | { outcome: 'retried'; previous: TokenRecord; sealed: string }
  /** The token was already rotated: a replay. Its whole family has been revoked. */
  | { outcome: 'reused'; previous: TokenRecord }
  | { outcome: 'invalid' };

export interface TokenStore {
  save(record: TokenRecord): Promise<void>;
  /** Saves several tokens in one write. */
  saveAll(records: TokenRecord[]): Promise<void>;
  find(hash: string): Promise<TokenRecord | undefined>;
  /** Marks one token revoked; true when it existed. */
  revoke(hash: string, now: number): Promise<boolean>;
  /**
   * Revokes every stored token of a family and, in the same transaction, denies the family's access
   * tokens (a family row of the deny list); returns how many stored tokens were live.
   */
  revokeFamily(familyId: string, now: number): Promise<number>;
  /**
   * Atomically retires the refresh token `oldHash` (live, unexpired, of `clientId`) and saves
   * `replacements` in its place, with `successor` (when given) keyed on `oldHash`. Exactly one of
   * any number of concurrent callers gets 'rotated'. A token already rotated by `clientId` yields
   * 'retried' with the first rotation's sealed successor while that is within its window and its
   * replacement (one refresh token) is live and unrotated and its access token (successor.accessTokenId) not denied;
   * otherwise 'reused', and its family is revoked (RFC 9700 §4.14.2). Another client gets 'invalid'.
   */
  rotateRefreshToken(
    oldHash: string, clientId: string, now: number, replacements: TokenRecord[], successor?: SealedSuccessor,
  ): Promise<RotateResult>;
  /** Deletes tokens that expired before `before`; returns how many. */
  purgeExpired(before: number): Promise<number>;
  /** Deletes the sealed successors whose retry window closed at or before `now`; returns how many. */
  purgeSealedSuccessors(now: number): Promise<number>;
  /** The stored tokens: refresh tokens (and, until purged, access tokens of earlier versions). */
  count(): Promise<number>;
}

/**
 * What introspection reads from a verified JWT access token to ask the deny list about it (the
 * token itself is never stored, DESIGN.md "Access tokens are not stored").
 */
export interface AccessTokenIdentity {
  jti: string;
  /** The grant family (the `gid` claim); null for tokens of earlier versions, which carry none. */
  familyId: string | null;
  /** The `sub` claim: a user's id, or the client_id for a token with no user. */
  subject: string;
  clientId: string;
  issuedAt: number;
}

/**
 * The access-token deny list, shared by every worker and instance (one table). Three kinds of rows:
 * one revoked access token (by jti, until its exp); a revoked grant family (every access token of
 * it: refresh-token reuse, code replay, revocation of the refresh token); and a cut-off (every
 * access token of a user, of a client, or of a user at a client, issued at or before its time:
 * deletion, withdrawn consent, ended sessions). Family rows and cut-offs are written by the store
 * operations that revoke (tokens.revokeFamily, rotateRefreshToken, codes.redeem, endGrants of
 * users.delete, users.endSessions, clients.delete, consents.withdraw), in their transaction.
 */
export interface AccessTokenDenyList {
  /**
   * RFC 7009: denies the access token `jti` until `expiresAt` (its exp). Denying it again changes
   * nothing. The caller has verified that the token is one this server signed for the caller.
   */
  denyToken(jti: string, expiresAt: number, now: number): Promise<void>;
  /** True when a row denies the token: its jti, its family, or a cut-off at or after its iat. One indexed query. */
  isDenied(token: AccessTokenIdentity): Promise<boolean>;
  /**
   * Deletes jti rows whose token expired before `expiredBefore`, and family and cut-off rows
   * recorded before `recordedBefore` (every token they deny has expired by then); returns how many.
   */
  purge(expiredBefore: number, recordedBefore: number): Promise<number>;
  count(): Promise<number>;
}

/** JWS algorithms of signing keys (RFC 7518 §3.1, RFC 8037 §3.1): ES256 the default; RFC 9068 §2.1 requires RS256 support. */
export const SIGNING_ALGS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  /** Private JWK, sealed with the server secret (keys/sealed-jwk.ts); never served. */
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  createdAt: number;
  /**
   * When the key may start signing (epoch seconds): a rotated key is published at once and signs
   * after a grace period, so that resource servers have fetched it first (keys/key-ring.ts).
   */
  signsFrom: number;
  /** Active keys are published; the newest whose signsFrom has come signs. */
  active: boolean;
}

export interface KeyStore {
  listActive(): Promise<SigningKey[]>;
  /**
   * Inserts unless an active key of the same algorithm exists; returns the active keys of that
   * algorithm (a concurrent start wins once per algorithm).
   */
  insertIfNone(key: SigningKey): Promise<SigningKey[]>;
  insert(key: SigningKey): Promise<void>;
  /**
   * Inserts unless an active key of the same algorithm was created at or after `before` (automatic
   * rotation, per algorithm: of several servers due at once, one inserts); returns whether it inserted.
   */
  insertIfNewestBefore(key: SigningKey, before: number): Promise<boolean>;
  deactivate(kid: string): Promise<boolean>;
  /**
   * Replaces the stored private JWK of `kid` if it is still `expected` (compare and set): two
   * processes resealing one key at once write it once.
   */
  replacePrivateJwk(kid: string, expected: Record<string, unknown>, replacement: Record<string, unknown>): Promise<boolean>;
}

/** An authorization code, bound to everything the token request must match (RFC 6749 §4.1.3). */
export interface CodeRecord {
  /** SHA-256 (base64url) of the code. */
  hash: string;
  clientId: string;
  userId: string;
  /** The redirect_uri of the authorization request, or null when it was omitted. */
  redirectUri: string | null;
  scope: string[];
  audience: string;
  /** RFC 7636: the S256 challenge, or null when none was sent. */
  codeChallenge: string | null;
  /** The family the tokens issued from this code will share: a replay revokes it. */
  familyId: string;
  expiresAt: number;
  consumedAt: number | null;
}

export type RedeemResult =
  | { outcome: 'redeemed'; code: CodeRecord }
  /**
   * Already redeemed: RFC 6749 §4.1.2 says to refuse and revoke what it issued. The tokens of the
   * code's family have been revoked (`revoked` of them were live), and `records` were not saved.
   */
  | { outcome: 'replayed'; code: CodeRecord; revoked: number }
  | { outcome: 'invalid' };

export interface CodeStore {
  save(code: CodeRecord): Promise<void>;
  /**
   * Reads the code, consumed or expired alike, and changes nothing: the grant checks client,
   * redirect_uri and PKCE on it first, so a wrong attempt does not burn a code its client can still redeem.
   */
  find(hash: string): Promise<CodeRecord | undefined>;
  /**
   * One atomic operation, like tokens.rotateRefreshToken. If the code is unconsumed and unexpired
   * (expiresAt > now), marks it consumed and saves `records` (the refresh token issued from it, if any; access tokens are not stored): 'redeemed'.
   * Of any number of concurrent callers exactly one gets 'redeemed'. If it was already consumed
   * (even if it has expired since), revokes every token of its family, as tokens.revokeFamily does,
   * and saves nothing: 'replayed'. A replay's revocation always comes after the redemption it replays
   * has committed, so once the replays are answered no token of the family is live. Unknown or
   * expired: 'invalid', and nothing changes. When a record cannot be saved, it throws and the code
   * stays redeemable. The caller validates the code (client, redirect_uri, PKCE) before calling.
   */
  redeem(hash: string, now: number, records: TokenRecord[]): Promise<RedeemResult>;
  purgeExpired(before: number): Promise<number>;
}

/** What a user allowed a client: these scopes, for tokens meant for this audience. */
export interface ConsentRecord {
  userId: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** The claims the user allowed one by one (OpenID Connect `claims` parameter, Core §5.5), beyond those of `scopes`. */
  claims: string[];
  grantedAt: number;
}

export interface ConsentStore {
  /** The consent of the user for the client and audience, if there is one (an empty scope list is still a consent). */
  find(userId: string, clientId: string, audience: string): Promise<ConsentRecord | undefined>;
  /** Every consent the user has given, for the account page. */
  listForUser(userId: string): Promise<ConsentRecord[]>;
  /** Adds scopes to what the user has allowed the client for the audience (creating the consent). */
  grant(userId: string, clientId: string, audience: string, scopes: string[], now: number, claims?: string[]): Promise<void>;
  /**
   * Withdraws every consent of the user for the client and, in the same transaction, ends what
   * they granted: the client's tokens for the user are revoked and its unredeemed codes deleted.
   * `withdrawn`: there was a consent. `sessionMembers`: the (sid, client) pairs of the user's browser
   * sessions the client is no longer part of, for the caller to notify after the commit
   * (Back-Channel Logout 1.0 §2).
   */
  withdraw(userId: string, clientId: string, now: number): Promise<ConsentWithdrawal>;
}

/** What `ConsentStore.withdraw` did. */
export interface ConsentWithdrawal {
  withdrawn: boolean;
  sessionMembers: SessionMember[];
}

/** One counter: failures in the window that began at `windowStart`, and attempts still in flight. */
export interface ThrottleState {
  failures: number;
  /** Attempts reserved and not yet known to be right or wrong. */
  pending: number;
  windowStart: number;
}

/** How one counter is limited: at most `limit` failures per window of `windowSeconds`. */
export interface ThrottleLimit {
  limit: number;
  windowSeconds: number;
  /**
   * How long a reservation holds, in seconds: one whose request never ended (a process that died)
   * stops counting once no reservation was made for this long.
   */
  leaseSeconds: number;
}

/** A reservation: made, or refused with the counter as it stands. */
export type ThrottleReservation = { reserved: true } | { reserved: false; state: ThrottleState };

/**
 * Failed-attempt counters shared by every server instance (per address, per user and address, per
 * user). Each operation is one atomic statement, so that parallel requests on every instance see
 * one count (DESIGN.md convention 2).
 */
export interface ThrottleStore {
  /**
   * Reserves one attempt under `key` if the failures of the current window plus the attempts in
   * flight stay under the limit; a window that ended starts over. Refused, nothing is written.
   */
  reserve(key: string, limit: ThrottleLimit, now: number): Promise<ThrottleReservation>;
  /** The reserved attempt was wrong: it becomes a failure of the window. */
  fail(key: string): Promise<void>;
  /**
   * The reserved attempt is taken back (it was right, or never tried); with `forgive`, the
   * failures too. A counter left with nothing is deleted, so that right attempts leave no row.
   */
  release(key: string, forgive: boolean): Promise<void>;
  /** Counts one failure (no reservation) in the window that began within `windowSeconds`, starting a new one otherwise. */
  recordFailure(key: string, now: number, windowSeconds: number): Promise<ThrottleState>;
  get(key: string): Promise<ThrottleState | undefined>;
  /** The counters of several keys, in their order (undefined where none), in one statement. */
  getMany(keys: readonly string[]): Promise<(ThrottleState | undefined)[]>;
  reset(key: string): Promise<void>;
  /** Deletes the counters whose window ended by `now` and that hold no live reservation; returns how many. */
  purgeEnded(now: number, windowSeconds: number): Promise<number>;
}

/**
 * A signed-in browser session at the authorization server; the cookie holds the id, the store its
 * hash. Before sign-in nothing is stored: the sign-in form's state lives in a sealed cookie
 * (src/server/session.ts), so that anonymous visits write no row.
 */
export interface SessionRecord {
  hash: string;
  /** The signed-in user; null only in anonymous rows of older versions, which expire within 30 minutes. */
  userId: string | null;
  csrfToken: string;
  authTime: number | null;
  createdAt: number;
  expiresAt: number;
  /**
   * The OpenID Connect `sid`: random, chosen at the first sign-in and kept when the same user signs
   * in again (prompt=login, max_age), so that relying parties of before and after share one sid.
   * Null (or absent) in rows of older versions, whose sid is derived from their hash.
   */
  sid?: string | null;
}

export interface SessionStore {
  save(session: SessionRecord): Promise<void>;
  find(hash: string, now: number): Promise<SessionRecord | undefined>;
  delete(hash: string): Promise<void>;
  purgeExpired(before: number): Promise<number>;
}

/**
 * A resource server (an API) registered at the authorization server. Its identifier is the RFC 8707
 * resource indicator clients ask for, and the `aud` of the access tokens meant for it.
 */
export interface ResourceServer {
  /** RFC 8707 §2: an absolute URI without a fragment. */
  resource: string;
  /** The scopes access tokens for this API may carry; empty: no bound beyond the client's own scope. */
  scope: string[];
  /**
   * client_ids that may introspect the access tokens whose audience is this resource (RFC 7662 §4):
   * the API itself, or its gateway. Any other client but the token's own learns only `active: false`.
   */
  introspectionClients: string[];
  createdAt: number;
  /**
   * The algorithm its access tokens are signed with (RFC 9068 §2.1 lets the resource server and
   * the authorization server agree on one); absent: the server's default (`signingAlg`).
   */
  signingAlg?: SigningAlg | undefined;
}

export interface ResourceServerStore {
  get(resource: string): Promise<ResourceServer | undefined>;
  list(): Promise<ResourceServer[]>;
  /** Inserts or replaces the resource server by its identifier; created_at stays the first registration's. */
  upsert(resource: ResourceServer): Promise<void>;
  /** True when a resource server was deleted. */
  delete(resource: string): Promise<boolean>;
}

/**
 * A counter that every write to the client registry or the resource-server registry bumps in the
 * same transaction (upsert, delete, secret rehash, a client's removal from introspection lists).
 * Each process polls it, and empties its caches of clients and resource servers when it moved
 * (store/registry-cache.ts): a change reaches every worker and instance within one poll interval.
 */
export interface RegistryVersionStore {
  /** The counter as committed now; it only grows. */
  current(): Promise<number>;
  /**
   * Calls `listener` after each registry write made through this store object has committed, so
   * that the caches of this process drop what they hold at once. Returns the unsubscribe.
   */
  onLocalChange(listener: () => void): () => void;
}

/**
 * What an OpenID Connect grant (OpenID Connect Core §3.1) needs beyond its tokens to mint ID
 * tokens: at the code exchange (the nonce bound to the code) and at every refresh (Core §12.2: the
 * same auth_time, sid and claims). One per token family (the code's and its refresh tokens').
 */
export interface OpenIdGrantRecord {
  familyId: string;
  clientId: string;
  userId: string;
  /** Core §3.1.2.1 nonce of the authorization request, or null when none was sent. */
  nonce: string | null;
  /** When the user authenticated (Core §2 auth_time). */
  authTime: number;
  /** The browser session's id for the RP (Front/Back-Channel Logout `sid`), or null. */
  sid: string | null;
  /** Core §2 amr: how the user authenticated (["pwd"]). */
  amr: string[];
  /** The validated `claims` request parameter (Core §5.5), or null when none was sent. */
  claimsRequest: Record<string, unknown> | null;
  /** Deleted after this: the code's lifetime, then extended as refresh tokens are issued. */
  expiresAt: number;
}

export interface OpenIdGrantStore {
  save(grant: OpenIdGrantRecord): Promise<void>;
  find(familyId: string): Promise<OpenIdGrantRecord | undefined>;
  /** Keeps the grant until at least `expiresAt` (never shortens it): its refresh token lives that long. */
  extend(familyId: string, expiresAt: number): Promise<void>;
  /** Deletes expired grants and expired session memberships. */
  purgeExpired(before: number): Promise<number>;
  /**
   * Records that `clientId` got an OpenID grant from the browser session `sid` (Back-Channel
   * Logout 1.0 §2.6: the RPs to notify when that session ends). One row per (sid, client), kept
   * until at least `expiresAt` (the session's end), never shortened.
   */
  joinSession(member: SessionMember): Promise<void>;
  /**
   * Forgets every client of the session `sid` and returns them, in one statement: when two workers
   * end the same session, each client is returned to only one of them (notified once).
   */
  leaveSession(sid: string): Promise<SessionMember[]>;
}

/** A relying party that got an OpenID grant from a browser session (its `sid`). */
export interface SessionMember {
  sid: string;
  clientId: string;
  userId: string;
  expiresAt: number;
}

/** A client that registered itself (RFC 7591); admin-registered clients have none. */
export interface ClientRegistration {
  clientId: string;
  /** Keyed hash of the RFC 7592 registration access token. */
  tokenHash: string;
  registeredAt: number;
  /** The day (epoch seconds / 86400) the client was last used; the idle purge goes by it. */
  lastUsedDay: number;
}

/** An RFC 7591 §3 initial access token, for --dynamic-registration token. Only its hash is stored. */
export interface InitialAccessToken {
  /** A short public id, to list and revoke it by. */
  id: string;
  tokenHash: string;
  createdAt: number;
  /** Refused from then on; null: never expires. */
  expiresAt: number | null;
  /** Refused after this many registrations; null: any number. */
  maxUses: number | null;
  uses: number;
}

/** Why a self-registration was not stored. */
export type RegisterOutcome = 'registered' | 'full' | 'taken';

/**
 * Self-registered clients (RFC 7591/7592) and initial access tokens. Every operation is one
 * transaction, so the cap, token use counts and token rotation hold across workers and instances.
 */
export interface ClientRegistrationStore {
  /**
   * Inserts the client and its registration if fewer than `maxClients` self-registered clients
   * exist and the client_id is free, atomically; bumps the registry version.
   */
  register(client: Client, tokenHash: string, now: number, maxClients: number): Promise<RegisterOutcome>;
  find(clientId: string): Promise<ClientRegistration | undefined>;
  list(): Promise<ClientRegistration[]>;
  count(): Promise<number>;
  /**
   * RFC 7592 §2.2: replaces the client's metadata and rotates its registration access token, if the
   * stored token hash is still `expectedTokenHash` (one of two concurrent updates wins). The
   * client's created_at is kept.
   */
  update(client: Client, expectedTokenHash: string, newTokenHash: string): Promise<boolean>;
  /** Records use on `day`, only if the stored day is earlier (at most one write per client per day). */
  touch(clientId: string, day: number): Promise<void>;
  /**
   * Deletes self-registered clients last used before `beforeDay`, each with its grants ended as
   * clients.delete does; returns how many.
   */
  purgeIdle(beforeDay: number, now: number): Promise<number>;
  createInitialToken(token: InitialAccessToken): Promise<void>;
  /** Counts one use of the token if it exists, has not expired and has uses left, atomically; false otherwise. */
  useInitialToken(tokenHash: string, now: number): Promise<boolean>;
  listInitialTokens(): Promise<InitialAccessToken[]>;
  revokeInitialToken(id: string): Promise<boolean>;
}

/**
 * RFC 7523 §3 item 7: the jti of each accepted client assertion, per client, until the assertion
 * expires, so that it is accepted once across every worker and instance on this database. Only
 * validly signed assertions of registered (or fetched) clients are recorded, with a bounded lifetime.
 */
export interface ClientAssertionJtiStore {
  /**
   * Records the jti (its hash) for the client until `expiresAt`, atomically: true the first time,
   * false when it is already recorded and has not expired by `now` (a replay).
   */
  claim(clientId: string, jtiHash: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes the rows that expired before `now`; the number deleted. */
  purgeExpired(now: number): Promise<number>;
}

export interface Store {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly keys: KeyStore;
  readonly codes: CodeStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly sessions: SessionStore;
  readonly resources: ResourceServerStore;
  readonly registryVersion: RegistryVersionStore;
  readonly denials: AccessTokenDenyList;
  /** OpenID Connect grants: what their ID tokens need (nonce, auth_time, sid, claims request). */
  readonly openIdGrants: OpenIdGrantStore;
  /** Clients that registered themselves (RFC 7591/7592), and initial access tokens. */
  readonly registrations: ClientRegistrationStore;
  /** private_key_jwt: the client assertion ids already used (RFC 7523 §3 item 7). */
  readonly assertionJtis: ClientAssertionJtiStore;
  /** A trivial query, for /readyz: resolves when the database answers, rejects otherwise. */
  ping(): Promise<void>;
  /** A connection pool's use, for the metrics; absent for an embedded database. */
  poolUse?(): { total: number; idle: number; waiting: number };
  /** Reports each statement's duration in seconds, for the metrics; absent for an embedded database. */
  observeQueries?(observer: (seconds: number) => void): void;
  close(): Promise<void>;
}
