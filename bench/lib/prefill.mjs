// Pre-fills the tokens table of a Tessera SQLite database with realistic rows, directly, before
// the server starts: to see whether the write of each new token slows down as the table grows.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// better-sqlite3 is the product's own dependency: load the copy Tessera itself runs with.
const requireFromRoot = createRequire(new URL('../../package.json', import.meta.url));

/**
 * Inserts `count` token rows shaped as Tessera writes them (see src/store/sqlite/migrations.ts):
 * SHA-256 base64url hashes, 128-bit jti and family ids, spread over 50 clients; most are live
 * client_credentials access tokens, some are expired, revoked or user-bound refresh tokens.
 * @returns {{ rows: number, seconds: number }}
 */
export function prefillTokens(dbPath, count, audience) {
  if (count <= 0) return { rows: 0, seconds: 0 };
  const Database = requireFromRoot('better-sqlite3');
  const db = new Database(dbPath);
  const started = Date.now();
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A large page cache for the fill only (the server opens the file with its own settings).
    db.pragma('cache_size = -262144');
    const insert = db.prepare(`INSERT INTO tokens (hash, kind, jti, client_id, subject, user_id, scope, audience,
      issued_at, expires_at, family_id, revoked_at, rotated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const now = Math.floor(Date.now() / 1000);
    const BATCH = 50_000;
    const insertBatch = db.transaction((n) => {
      // 32 bytes for the token (hashed as stored), 16 for jti, 16 for family, 4 for choices.
      const pool = randomBytes(n * 68);
      for (let i = 0; i < n; i++) {
        const o = i * 68;
        const hash = createHash('sha256').update(pool.subarray(o, o + 32)).digest('base64url');
        const jti = pool.subarray(o + 32, o + 48).toString('base64url');
        const family = pool.subarray(o + 48, o + 64).toString('base64url');
        const r = pool.readUInt32LE(o + 64);
        const client = `service-${r % 50}`;
        const refresh = r % 10 === 0; // 10 % refresh tokens of users
        const issuedAt = now - (r % 86_400);
        const expiresAt = issuedAt + (refresh ? 14 * 86_400 : 3600);
        const revokedAt = r % 100 === 1 ? issuedAt + 60 : null;
        insert.run(hash, refresh ? 'refresh_token' : 'access_token', jti, client,
          refresh ? `user-${r % 10_000}` : client, refresh ? `user-${r % 10_000}` : null,
          refresh ? 'read write' : 'read', audience, issuedAt, expiresAt, family, revokedAt, null);
      }
    });
    for (let done = 0; done < count; done += BATCH) insertBatch(Math.min(BATCH, count - done));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rows = db.prepare('SELECT count(*) AS n FROM tokens').get().n;
    return { rows, seconds: (Date.now() - started) / 1000 };
  } finally {
    db.close();
  }
}
