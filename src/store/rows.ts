/**
 * Row codecs shared by every backend: which columns a table has, in which order a record's
 * values are bound, and how a row read back becomes a record. Each backend keeps its own SQL and
 * says, through a `ValueEncoding`, how it stores what SQL has no common type for (lists,
 * booleans, JSON); everything else (strings, integers, NULL) is stored as it is.
 */
import { denialKey } from './denial-keys.js';
import { SIGNING_ALGS, type Client, type ClientRegistration, type InitialAccessToken, type CodeRecord, type OpenIdGrantRecord, type ResourceServer, type SealedSuccessor, type SessionRecord, type SigningAlg, type SigningKey, type ThrottleState, type TokenRecord, type User } from './types.js';

/** A row as the driver returns it, by column name. */
export type Row = Record<string, unknown>;

/** How one backend stores the values SQL has no common type for. */
export interface ValueEncoding {
  /** A list of strings (redirect URIs, grant types, ...). */
  list(value: readonly string[]): unknown;
  readList(stored: unknown): string[];
  /** A list of scope tokens, which never contain a space (RFC 6749 §3.3). */
  words(value: readonly string[]): unknown;
  readWords(stored: unknown): string[];
  boolean(value: boolean): unknown;
  readBoolean(stored: unknown): boolean;
  /** A JSON object (a JWK). */
  json(value: Record<string, unknown>): unknown;
  readJson(stored: unknown): Record<string, unknown>;
}

/** One table's columns, and the conversions between its rows and its records. */
export interface RowCodec<T> {
  readonly table: string;
  /** Every column the record is stored in, in the order of `toParams`. */
  readonly columns: readonly string[];
  /** The record's values in the order of `columns`, ready to bind. */
  toParams(record: T): unknown[];
  fromRow(row: Row): T;
}

export interface RowCodecs {
  clients: RowCodec<Client>;
  users: RowCodec<User>;
  tokens: RowCodec<TokenRecord>;
  keys: RowCodec<SigningKey>;
  codes: RowCodec<CodeRecord>;
  sessions: RowCodec<SessionRecord>;
  resources: RowCodec<ResourceServer>;
  openIdGrants: RowCodec<OpenIdGrantRecord>;
}

export const CLIENT_COLUMNS = [
  'client_id', 'client_name', 'secret_hash', 'redirect_uris', 'grant_types', 'response_types', 'scope',
  'token_endpoint_auth_method', 'resources', 'skip_consent', 'created_at', 'application_type', 'id_token_signed_response_alg',
  'post_logout_redirect_uris', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'jwks', 'jwks_uri',
] as const;
export const USER_COLUMNS = ['id', 'username', 'password_hash', 'created_at', 'claims'] as const;
export const OPENID_GRANT_COLUMNS = [
  'family_id', 'client_id', 'user_id', 'nonce', 'auth_time', 'sid', 'amr', 'claims_request', 'expires_at',
] as const;
export const TOKEN_COLUMNS = [
  'hash', 'kind', 'jti', 'client_id', 'subject', 'user_id', 'scope', 'audience', 'issued_at', 'expires_at',
  'family_id', 'revoked_at', 'rotated_at',
] as const;
export const KEY_COLUMNS = ['kid', 'alg', 'private_jwk', 'public_jwk', 'created_at', 'active', 'signs_from'] as const;
/** The codes table also has replayed_at: when the code was first replayed, written by redeem for operators, not part of CodeRecord. */
export const CODE_COLUMNS = [
  'hash', 'client_id', 'user_id', 'redirect_uri', 'scope', 'audience', 'code_challenge', 'family_id', 'expires_at',
  'consumed_at',
] as const;
export const SESSION_COLUMNS = ['hash', 'user_id', 'csrf_token', 'auth_time', 'created_at', 'expires_at', 'sid'] as const;
export const RESOURCE_SERVER_COLUMNS = ['resource', 'scope', 'introspection_clients', 'created_at', 'signing_alg'] as const;

const text = (value: unknown): string => value as string;

/**
 * A row the code cannot have written: a value edited by hand in SQL, or written by a newer
 * version. Not "the database is unavailable" and not a per-request bug: `tessera serve` refuses to
 * start on it (serve.ts lists the resources at start; main.ts prints the message on one line), and
 * a request that meets it anyway (a row edited while servers run) gets 503 with the message logged
 * (error-handler.ts), until the row is fixed. Reading it as "no algorithm" instead would sign that API's tokens with
 * another algorithm than the one it was registered to accept, silently.
 */
export class CorruptStoreRow extends Error {}

/** A resource's signing_alg column: null (none chosen) or one of SIGNING_ALGS. */
function signingAlgOf(row: Row): { signingAlg?: SigningAlg } {
  const value = row.signing_alg;
  if (value === null || value === undefined) return {};
  if (typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value)) return { signingAlg: value as SigningAlg };
  throw new CorruptStoreRow(`the resource_servers row of "${String(row.resource)}" has signing_alg ${JSON.stringify(value)}, not one of ${SIGNING_ALGS.join(', ')}; `
    + 'set it to NULL or one of those in SQL, or register the resource again (tessera resource delete, then create).');
}
const textOrNull = (value: unknown): string | null => (value as string | null | undefined) ?? null;
const time = (value: unknown): number => value as number;
const timeOrNull = (value: unknown): number | null => (value as number | null | undefined) ?? null;

/** The codecs of every table, for one backend's encoding. */
export function rowCodecs(v: ValueEncoding): RowCodecs {
  return {
    clients: {
      table: 'clients',
      columns: CLIENT_COLUMNS,
      toParams: (c) => [c.clientId, c.clientName, c.secretHash, v.list(c.redirectUris), v.list(c.grantTypes),
        v.list(c.responseTypes), v.list(c.scope), c.tokenEndpointAuthMethod, v.list(c.resources), v.boolean(c.skipConsent),
        c.createdAt, c.applicationType, c.idTokenSignedResponseAlg ?? null, v.list(c.postLogoutRedirectUris ?? []),
        c.backchannelLogoutUri ?? null, v.boolean(c.backchannelLogoutSessionRequired === true),
        c.jwks ? v.json(c.jwks as unknown as Record<string, unknown>) : null, c.jwksUri ?? null],
      fromRow: (row) => ({
        clientId: text(row.client_id),
        clientName: text(row.client_name),
        secretHash: textOrNull(row.secret_hash),
        redirectUris: v.readList(row.redirect_uris),
        grantTypes: v.readList(row.grant_types),
        responseTypes: v.readList(row.response_types),
        scope: v.readList(row.scope),
        tokenEndpointAuthMethod: row.token_endpoint_auth_method as Client['tokenEndpointAuthMethod'],
        resources: v.readList(row.resources),
        skipConsent: v.readBoolean(row.skip_consent),
        applicationType: row.application_type === 'native' ? 'native' : 'web',
        ...(row.id_token_signed_response_alg ? { idTokenSignedResponseAlg: row.id_token_signed_response_alg as SigningKey['alg'] } : {}),
        // Left out when unset, as clients of earlier versions were read.
        ...(v.readList(row.post_logout_redirect_uris).length > 0 ? { postLogoutRedirectUris: v.readList(row.post_logout_redirect_uris) } : {}),
        ...(row.backchannel_logout_uri ? { backchannelLogoutUri: text(row.backchannel_logout_uri) } : {}),
        ...(v.readBoolean(row.backchannel_logout_session_required) ? { backchannelLogoutSessionRequired: true } : {}),
        ...(row.jwks !== null && row.jwks !== undefined ? { jwks: v.readJson(row.jwks) as unknown as Client['jwks'] } : {}),
        ...(row.jwks_uri ? { jwksUri: text(row.jwks_uri) } : {}),
        createdAt: time(row.created_at),
      }),
    },
    users: {
      table: 'users',
      columns: USER_COLUMNS,
      toParams: (u) => [u.id, u.username, u.passwordHash, u.createdAt, v.json(u.claims)],
      fromRow: (row) => ({
        id: text(row.id),
        username: text(row.username),
        passwordHash: text(row.password_hash),
        claims: v.readJson(row.claims),
        createdAt: time(row.created_at),
      }),
    },
    tokens: {
      table: 'tokens',
      columns: TOKEN_COLUMNS,
      toParams: (t) => [t.hash, t.kind, t.jti, t.clientId, t.subject, t.userId, v.words(t.scope), t.audience,
        t.issuedAt, t.expiresAt, t.familyId, t.revokedAt, t.rotatedAt],
      fromRow: (row) => ({
        hash: text(row.hash),
        kind: row.kind as TokenRecord['kind'],
        jti: text(row.jti),
        clientId: text(row.client_id),
        subject: text(row.subject),
        userId: textOrNull(row.user_id),
        scope: v.readWords(row.scope),
        audience: text(row.audience),
        issuedAt: time(row.issued_at),
        expiresAt: time(row.expires_at),
        familyId: text(row.family_id),
        revokedAt: timeOrNull(row.revoked_at),
        rotatedAt: timeOrNull(row.rotated_at),
      }),
    },
    keys: {
      table: 'signing_keys',
      columns: KEY_COLUMNS,
      toParams: (k) => [k.kid, k.alg, v.json(k.privateJwk), v.json(k.publicJwk), k.createdAt, v.boolean(k.active), k.signsFrom],
      fromRow: (row) => ({
        kid: text(row.kid),
        alg: row.alg as SigningKey['alg'],
        privateJwk: v.readJson(row.private_jwk),
        publicJwk: v.readJson(row.public_jwk),
        createdAt: time(row.created_at),
        active: v.readBoolean(row.active),
        signsFrom: time(row.signs_from),
      }),
    },
    codes: {
      table: 'codes',
      columns: CODE_COLUMNS,
      toParams: (c) => [c.hash, c.clientId, c.userId, c.redirectUri, v.words(c.scope), c.audience, c.codeChallenge,
        c.familyId, c.expiresAt, c.consumedAt],
      fromRow: (row) => ({
        hash: text(row.hash),
        clientId: text(row.client_id),
        userId: text(row.user_id),
        redirectUri: textOrNull(row.redirect_uri),
        scope: v.readWords(row.scope),
        audience: text(row.audience),
        codeChallenge: textOrNull(row.code_challenge),
        familyId: text(row.family_id),
        expiresAt: time(row.expires_at),
        consumedAt: timeOrNull(row.consumed_at),
      }),
    },
    sessions: {
      table: 'sessions',
      columns: SESSION_COLUMNS,
      toParams: (s) => [s.hash, s.userId, s.csrfToken, s.authTime, s.createdAt, s.expiresAt, s.sid ?? null],
      fromRow: (row) => ({
        hash: text(row.hash),
        userId: textOrNull(row.user_id),
        csrfToken: text(row.csrf_token),
        authTime: timeOrNull(row.auth_time),
        createdAt: time(row.created_at),
        expiresAt: time(row.expires_at),
        sid: textOrNull(row.sid),
      }),
    },
    resources: {
      table: 'resource_servers',
      columns: RESOURCE_SERVER_COLUMNS,
      toParams: (r) => [r.resource, v.words(r.scope), v.list(r.introspectionClients), r.createdAt, r.signingAlg ?? null],
      fromRow: (row) => ({
        resource: text(row.resource),
        scope: v.readWords(row.scope),
        introspectionClients: v.readList(row.introspection_clients),
        createdAt: time(row.created_at),
        ...signingAlgOf(row),
      }),
    },
    openIdGrants: {
      table: 'openid_grants',
      columns: OPENID_GRANT_COLUMNS,
      toParams: (g) => [g.familyId, g.clientId, g.userId, g.nonce, g.authTime, g.sid, v.words(g.amr),
        g.claimsRequest === null ? null : v.json(g.claimsRequest), g.expiresAt],
      fromRow: (row) => ({
        familyId: text(row.family_id),
        clientId: text(row.client_id),
        userId: text(row.user_id),
        nonce: textOrNull(row.nonce),
        authTime: time(row.auth_time),
        sid: textOrNull(row.sid),
        amr: v.readWords(row.amr),
        claimsRequest: row.claims_request === null || row.claims_request === undefined ? null : v.readJson(row.claims_request),
        expiresAt: time(row.expires_at),
      }),
    },
  };
}

/** The throttle table's counters (its key is the lookup, never read back). */
export function throttleFromRow(row: Row): ThrottleState {
  return { failures: Number(row.failures), pending: Number(row.pending), windowStart: time(row.window_start) };
}

/**
 * The refresh_retries table: a rotation's sealed successor tokens (types.ts SealedSuccessor),
 * keyed on the rotated refresh token's hash, with what decides whether a retry is answered: the
 * successor refresh token's hash, and in `access_hash` the successor access token's deny-list key
 * (`jti:<jti>`; access tokens are not stored). Rows of earlier versions hold the access token's
 * hash there, which no deny-list key equals; they live for the retry window only. Written only,
 * by the rotation; read only for `sealed`.
 */
export const REFRESH_RETRY_COLUMNS = ['hash', 'refresh_hash', 'access_hash', 'sealed', 'expires_at'] as const;

/**
 * The values of the refresh_retries row that keeps `successor` for the rotation of `oldHash`, in
 * the order of REFRESH_RETRY_COLUMNS; undefined when there is nothing to keep: no successor, its
 * window already closed, or replacements that are not one refresh token.
 */
export function refreshRetryParams(
  oldHash: string, replacements: readonly TokenRecord[], successor: SealedSuccessor | undefined, now: number,
): unknown[] | undefined {
  if (!successor || successor.until <= now) return undefined;
  const refresh = replacements.filter((r) => r.kind === 'refresh_token');
  if (refresh.length !== 1) return undefined;
  return [oldHash, refresh[0]?.hash, denialKey.token(successor.accessTokenId), successor.sealed, successor.until];
}

/** Self-registered clients (RFC 7591/7592) and initial access tokens, as both backends read them. */
export function registrationFromRow(row: Row): ClientRegistration {
  return {
    clientId: String(row.client_id), tokenHash: String(row.token_hash),
    registeredAt: Number(row.registered_at), lastUsedDay: Number(row.last_used_day),
  };
}

export function initialTokenFromRow(row: Row): InitialAccessToken {
  return {
    id: String(row.id), tokenHash: String(row.token_hash), createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    maxUses: row.max_uses === null ? null : Number(row.max_uses), uses: Number(row.uses),
  };
}
