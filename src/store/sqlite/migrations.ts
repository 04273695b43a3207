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
  // Versions 9 to 11 are another branch's.
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
];
