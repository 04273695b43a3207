/** Versioned schema migrations, applied in order at start, each once, inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'clients, users, tokens, signing keys',
    sql: `
      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        client_name TEXT NOT NULL,
        secret_hash TEXT,
        redirect_uris TEXT NOT NULL,
        grant_types TEXT NOT NULL,
        response_types TEXT NOT NULL,
        scope TEXT NOT NULL,
        token_endpoint_auth_method TEXT NOT NULL,
        resources TEXT NOT NULL,
        skip_consent INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        jti TEXT NOT NULL,
        client_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT,
        scope TEXT NOT NULL,
        audience TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        family_id TEXT NOT NULL,
        revoked_at INTEGER,
        rotated_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX tokens_family ON tokens (family_id);
      CREATE INDEX tokens_expires ON tokens (expires_at);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        active INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'authorization codes, consents, throttling, browser sessions',
    sql: `
      CREATE TABLE codes (
        hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        redirect_uri TEXT,
        scope TEXT NOT NULL,
        audience TEXT NOT NULL,
        code_challenge TEXT,
        family_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        consumed_at INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE consents (
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, client_id)
      ) WITHOUT ROWID;
      CREATE TABLE throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE sessions (
        hash TEXT PRIMARY KEY,
        user_id TEXT,
        csrf_token TEXT NOT NULL,
        auth_time INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'code replays are recorded',
    sql: 'ALTER TABLE codes ADD COLUMN replayed_at INTEGER;',
  },
  {
    version: 4,
    name: 'throttle reservations in flight, purge by window; anonymous sessions leave the database',
    sql: `
      ALTER TABLE throttle ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE throttle ADD COLUMN lease_end INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX throttle_window ON throttle (window_start);
      DELETE FROM sessions WHERE user_id IS NULL;
    `,
  },
  {
    version: 5,
    name: 'registered resource servers: their scope and who may introspect their tokens',
    sql: `
      CREATE TABLE resource_servers (
        resource TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        introspection_clients TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'sealed successors of refresh rotations, for idempotent retries within a short window',
    // hash: the rotated refresh token's hash; refresh_hash, access_hash: its successors', whose state
    // decides whether a retry is answered; sealed: the successor tokens, encrypted under a key
    // derived from the rotated token itself (never readable here); expires_at: the window's end.
    sql: `
      CREATE TABLE refresh_retries (
        hash TEXT PRIMARY KEY,
        refresh_hash TEXT NOT NULL,
        access_hash TEXT NOT NULL,
        sealed TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX refresh_retries_expires ON refresh_retries (expires_at);
    `,
  },
  {
    version: 7,
    name: 'client application_type; consents per audience (earlier consents, which ignored the audience, are asked again)',
    sql: `
      ALTER TABLE clients ADD COLUMN application_type TEXT NOT NULL DEFAULT 'web';
      DROP TABLE consents;
      CREATE TABLE consents (
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        audience TEXT NOT NULL,
        scope TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, client_id, audience)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS tokens_user_client ON tokens (user_id, client_id);
      CREATE INDEX IF NOT EXISTS codes_user_client ON codes (user_id, client_id);
    `,
  },
  {
    version: 8,
    name: 'signing keys: when each may start signing (rotation with a grace period)',
    sql: `
      ALTER TABLE signing_keys ADD COLUMN signs_from INTEGER NOT NULL DEFAULT 0;
      UPDATE signing_keys SET signs_from = created_at;
    `,
  },
  {
    version: 9,
    name: 'resource servers: the algorithm their access tokens are signed with (null: the server default)',
    sql: `
      ALTER TABLE resource_servers ADD COLUMN signing_alg TEXT;
    `,
  },
  {
    version: 10,
    name: 'access tokens are not stored: a deny list of revoked access tokens, revoked grant families and grant cut-offs',
    // key: 'jti:<jti>' (one revoked access token, until its expires_at), 'family:<family id>' (every
    // access token of a revoked grant family), or 'cutoff:["<user id>"|null,"<client id>"|null]'
    // (every access token of that user, client or both issued at or before denied_at). Rows with
    // expires_at are purged after it; the others once denied_at is older than the longest access-token
    // lifetime. Access tokens revoked by earlier versions (their rows) carry over as jti rows.
    sql: `
      CREATE TABLE access_token_denials (
        key TEXT PRIMARY KEY,
        denied_at INTEGER NOT NULL,
        expires_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX access_token_denials_expires ON access_token_denials (expires_at);
      CREATE INDEX access_token_denials_denied ON access_token_denials (denied_at);
      INSERT OR IGNORE INTO access_token_denials (key, denied_at, expires_at)
        SELECT 'jti:' || jti, revoked_at, expires_at FROM tokens
        WHERE kind = 'access_token' AND revoked_at IS NOT NULL AND expires_at > CAST(strftime('%s', 'now') AS INTEGER);
    `,
  },
  {
    version: 11,
    name: 'registry_changes: a counter bumped with every client and resource-server write, polled by the caches of each process',
    sql: `
      CREATE TABLE registry_changes (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO registry_changes (id, version) VALUES (1, 0);
    `,
  },
  {
    version: 12,
    name: 'OpenID Connect: users\' standard claims, clients\' id_token_signed_response_alg, and the grants ID tokens are minted for',
    // openid_grants: one per token family of an OpenID request (the nonce bound to its code,
    // auth_time, sid, amr, the claims request parameter), deleted after expires_at.
    sql: `
      ALTER TABLE users ADD COLUMN claims TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE clients ADD COLUMN id_token_signed_response_alg TEXT;
      CREATE TABLE openid_grants (
        family_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        nonce TEXT,
        auth_time INTEGER NOT NULL,
        sid TEXT,
        amr TEXT NOT NULL,
        claims_request TEXT,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX openid_grants_expires ON openid_grants (expires_at);
    `,
  },
  // Versions 13 and 14 are another branch's.
  {
    version: 15,
    name: 'OpenID Connect logout: clients\' post_logout_redirect_uris and back-channel logout URI, and the clients of each browser session',
    // session_clients: which relying parties got an OpenID grant from which browser session (its
    // sid), so that ending the session notifies them (Back-Channel Logout 1.0); deleted after expires_at.
    sql: `
      ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
      ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE session_clients (
        sid TEXT NOT NULL,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (sid, client_id)
      ) WITHOUT ROWID;
      CREATE INDEX session_clients_expires ON session_clients (expires_at);
    `,
  },
  {
    version: 16,
    name: 'Dynamic client registration (RFC 7591/7592): self-registered clients and initial access tokens',
    // client_registrations: one row per client that registered itself; the keyed hash of its
    // registration access token, and the day (epoch seconds / 86400) it was last used, for the idle purge.
    // initial_access_tokens: what an administrator hands out for --dynamic-registration token.
    sql: `
      CREATE TABLE client_registrations (
        client_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        registered_at INTEGER NOT NULL,
        last_used_day INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX client_registrations_last_used ON client_registrations (last_used_day);
      CREATE TABLE initial_access_tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 17,
    name: 'private_key_jwt: clients\' jwks and jwks_uri, and the client assertion ids already used',
    // client_assertion_jtis: RFC 7523 §3 item 7, a jti is accepted once per client until its
    // assertion expires; only validly signed assertions get a row, deleted after expires_at.
    sql: `
      ALTER TABLE clients ADD COLUMN jwks TEXT;
      ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
      CREATE TABLE client_assertion_jtis (
        client_id TEXT NOT NULL,
        jti_hash TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (client_id, jti_hash)
      ) WITHOUT ROWID;
      CREATE INDEX client_assertion_jtis_expires ON client_assertion_jtis (expires_at);
    `,
  },
  {
    version: 19,
    name: 'a stable OpenID Connect sid per browser session, kept when the same user signs in again; the claims a consent allowed one by one',
    // sessions.sid: null in rows of older versions, whose sid stays derived from the row's hash (server/session.ts).
    // consents.claims: the claim names the user allowed through the claims parameter (Core §5.5), space-separated.
    sql: `
      ALTER TABLE sessions ADD COLUMN sid TEXT;
      ALTER TABLE consents ADD COLUMN claims TEXT NOT NULL DEFAULT '';
    `,
  },
];
