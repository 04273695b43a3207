export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Versioned schema migrations, applied in order at connect, each once. Tables are created
 * unqualified, so they land in the first schema of the connection's search_path.
 * Times are seconds since the epoch in BIGINT, read back as JS numbers (see postgres-store.ts).
 */
export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'clients, users, tokens, signing keys, codes, consents, throttling, browser sessions',
    sql: `
      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        client_name TEXT NOT NULL,
        secret_hash TEXT,
        redirect_uris TEXT[] NOT NULL,
        grant_types TEXT[] NOT NULL,
        response_types TEXT[] NOT NULL,
        scope TEXT[] NOT NULL,
        token_endpoint_auth_method TEXT NOT NULL,
        resources TEXT[] NOT NULL,
        skip_consent BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        jti TEXT NOT NULL,
        client_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT,
        scope TEXT[] NOT NULL,
        audience TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        family_id TEXT NOT NULL,
        revoked_at BIGINT,
        rotated_at BIGINT
      );
      CREATE INDEX tokens_family ON tokens (family_id);
      CREATE INDEX tokens_expires ON tokens (expires_at);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_jwk JSONB NOT NULL,
        public_jwk JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        active BOOLEAN NOT NULL
      );
      CREATE TABLE codes (
        hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        redirect_uri TEXT,
        scope TEXT[] NOT NULL,
        audience TEXT NOT NULL,
        code_challenge TEXT,
        family_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        consumed_at BIGINT
      );
      CREATE INDEX codes_expires ON codes (expires_at);
      CREATE TABLE consents (
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scope TEXT[] NOT NULL,
        granted_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, client_id)
      );
      CREATE TABLE throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start BIGINT NOT NULL
      );
      CREATE TABLE sessions (
        hash TEXT PRIMARY KEY,
        user_id TEXT,
        csrf_token TEXT NOT NULL,
        auth_time BIGINT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_expires ON sessions (expires_at);
    `,
  },
  {
    version: 2,
    name: 'code replays are recorded',
    sql: 'ALTER TABLE codes ADD COLUMN replayed_at BIGINT;',
  },
  {
    version: 3,
    name: 'throttle reservations in flight, purge by window; anonymous sessions leave the database',
    sql: `
      ALTER TABLE throttle ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE throttle ADD COLUMN lease_end BIGINT NOT NULL DEFAULT 0;
      CREATE INDEX throttle_window ON throttle (window_start);
      DELETE FROM sessions WHERE user_id IS NULL;
    `,
  },
  {
    version: 4,
    name: 'registered resource servers: their scope and who may introspect their tokens',
    sql: `
      CREATE TABLE resource_servers (
        resource TEXT PRIMARY KEY,
        scope TEXT[] NOT NULL,
        introspection_clients TEXT[] NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 5,
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
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX refresh_retries_expires ON refresh_retries (expires_at);
    `,
  },
  {
    version: 6,
    name: 'client application_type; consents per audience (earlier consents, which ignored the audience, are asked again)',
    sql: `
      ALTER TABLE clients ADD COLUMN application_type TEXT NOT NULL DEFAULT 'web';
      DROP TABLE consents;
      CREATE TABLE consents (
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        audience TEXT NOT NULL,
        scope TEXT[] NOT NULL,
        granted_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, client_id, audience)
      );
      CREATE INDEX IF NOT EXISTS tokens_user_client ON tokens (user_id, client_id);
      CREATE INDEX IF NOT EXISTS codes_user_client ON codes (user_id, client_id);
    `,
  },
  {
    version: 7,
    name: 'signing keys: when each may start signing (rotation with a grace period)',
    sql: `
      ALTER TABLE signing_keys ADD COLUMN signs_from BIGINT NOT NULL DEFAULT 0;
      UPDATE signing_keys SET signs_from = created_at;
    `,
  },
  {
    version: 8,
    name: 'resource servers: the algorithm their access tokens are signed with (null: the server default)',
    sql: `
      ALTER TABLE resource_servers ADD COLUMN signing_alg TEXT;
    `,
  },
  {
    version: 9,
    name: 'access tokens are not stored: a deny list of revoked access tokens, revoked grant families and grant cut-offs',
    // See the SQLite migration 10 for what the keys mean.
    sql: `
      CREATE TABLE access_token_denials (
        key TEXT PRIMARY KEY,
        denied_at BIGINT NOT NULL,
        expires_at BIGINT
      );
      CREATE INDEX access_token_denials_expires ON access_token_denials (expires_at);
      CREATE INDEX access_token_denials_denied ON access_token_denials (denied_at);
      INSERT INTO access_token_denials (key, denied_at, expires_at)
        SELECT 'jti:' || jti, revoked_at, expires_at FROM tokens
        WHERE kind = 'access_token' AND revoked_at IS NOT NULL AND expires_at > extract(epoch FROM now())::bigint
        ON CONFLICT (key) DO NOTHING;
    `,
  },
  {
    version: 10,
    name: 'registry_changes: a counter bumped with every client and resource-server write, polled by the caches of each process',
    sql: `
      CREATE TABLE registry_changes (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
      INSERT INTO registry_changes (id, version) VALUES (1, 0);
    `,
  },
  {
    version: 11,
    name: 'OpenID Connect: users\' standard claims, clients\' id_token_signed_response_alg, and the grants ID tokens are minted for',
    sql: `
      ALTER TABLE users ADD COLUMN claims JSONB NOT NULL DEFAULT '{}'::jsonb;
      ALTER TABLE clients ADD COLUMN id_token_signed_response_alg TEXT;
      CREATE TABLE openid_grants (
        family_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        nonce TEXT,
        auth_time BIGINT NOT NULL,
        sid TEXT,
        amr TEXT[] NOT NULL,
        claims_request JSONB,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX openid_grants_expires ON openid_grants (expires_at);
    `,
  },
  // Versions 12 and 13 are another branch's.
  {
    version: 14,
    name: 'OpenID Connect logout: clients\' post_logout_redirect_uris and back-channel logout URI, and the clients of each browser session',
    sql: `
      ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT[] NOT NULL DEFAULT '{}';
      ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
      ALTER TABLE clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT false;
      CREATE TABLE session_clients (
        sid TEXT NOT NULL,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (sid, client_id)
      );
      CREATE INDEX session_clients_expires ON session_clients (expires_at);
    `,
  },
  {
    version: 15,
    name: 'Dynamic client registration (RFC 7591/7592): self-registered clients and initial access tokens',
    // client_registrations: one row per client that registered itself; the keyed hash of its
    // registration access token, and the day (epoch seconds / 86400) it was last used, for the idle purge.
    // initial_access_tokens: what an administrator hands out for --dynamic-registration token.
    sql: `
      CREATE TABLE client_registrations (
        client_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        registered_at BIGINT NOT NULL,
        last_used_day BIGINT NOT NULL
      );
      CREATE INDEX client_registrations_last_used ON client_registrations (last_used_day);
      CREATE TABLE initial_access_tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        max_uses BIGINT,
        uses BIGINT NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 16,
    name: 'private_key_jwt: clients\' jwks and jwks_uri, and the client assertion ids already used',
    sql: `
      ALTER TABLE clients ADD COLUMN jwks JSONB;
      ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
      CREATE TABLE client_assertion_jtis (
        client_id TEXT NOT NULL,
        jti_hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (client_id, jti_hash)
      );
      CREATE INDEX client_assertion_jtis_expires ON client_assertion_jtis (expires_at);
    `,
  },
  {
    version: 18,
    name: 'a stable OpenID Connect sid per browser session, kept when the same user signs in again; the claims a consent allowed one by one',
    sql: `
      ALTER TABLE sessions ADD COLUMN sid TEXT;
      ALTER TABLE consents ADD COLUMN claims TEXT[] NOT NULL DEFAULT '{}';
    `,
  },
];
