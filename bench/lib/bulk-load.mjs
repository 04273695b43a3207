// A fast bulk loader for a Tessera database (issue 12 §5): N stored refresh tokens, and single-use
// authorization codes for the code-exchange load, written straight into the real schema (made by
// a first `tessera serve`), never through HTTP. SQLite: one transaction, one prepared statement.
// PostgreSQL: multi-row INSERTs of 1,000 rows.
//
// The rows look like Tessera's own: the values the bench will present are hashed the server's way
// (HMAC-SHA-256 under the key HKDF derives from the server secret for "tessera token hash", as
// src/core/secret-hash.ts and src/core/server-secrets.ts do), so the server finds them; the
// background rows get hashes of random values. Column names come from the database's own schema,
// so a column that another version adds with a default, or drops, needs no change here; a new
// NOT NULL column without a default fails the load with its name.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// better-sqlite3 and pg are the product's own dependencies: load the copies Tessera runs with.
const requireFromRoot = createRequire(new URL('../../package.json', import.meta.url));

/** The server's token hash for `secret` (the first line of its secret file). */
export function tokenHasher(secret) {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), 'tessera token hash', 32));
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** A time-ordered family id, shaped as src/core/tokens.ts newFamilyId makes them. */
function familyId(now, random) {
  return now.toString(36).padStart(7, '0') + random;
}

/**
 * Refresh-token rows. `pick(i)` decides per row; background rows spread over 50 clients and
 * 10,000 users, issued over the last day, 1% revoked, some already rotated.
 */
export function refreshTokenRow({ hash, jti, clientId, userId, scope, audience, now, family, revoked = false, rotated = false }) {
  return {
    hash, kind: 'refresh_token', jti: jti ?? randomBytes(16).toString('base64url'), client_id: clientId, subject: userId,
    user_id: userId, scope, audience, issued_at: now, expires_at: now + 14 * 86_400, family_id: family,
    revoked_at: revoked ? now + 60 : null, rotated_at: rotated ? now + 30 : null,
  };
}

export function codeRow({ hash, clientId, userId, redirectUri, scope, audience, now, family }) {
  return {
    hash, client_id: clientId, user_id: userId, redirect_uri: redirectUri, scope, audience, code_challenge: null,
    family_id: family, expires_at: now + 600, consumed_at: null, replayed_at: null,
  };
}

/** `count` background refresh tokens of other clients and users: what a busy server has stored. */
export function* backgroundRefreshTokens(count, audience) {
  const now = Math.floor(Date.now() / 1000);
  const CHUNK = 10_000;
  for (let done = 0; done < count; done += CHUNK) {
    const n = Math.min(CHUNK, count - done);
    // One CSPRNG call per chunk: 32 bytes of hash, 16 of jti, 4 of choices per row.
    const pool = randomBytes(n * 52);
    for (let i = 0; i < n; i++) {
      const o = i * 52;
      const r = pool.readUInt32LE(o + 48);
      const issued = now - (r % 86_400);
      yield refreshTokenRow({
        // The HMAC of a value nobody holds looks like any other stored hash.
        hash: pool.subarray(o, o + 32).toString('base64url'), jti: pool.subarray(o + 32, o + 48).toString('base64url'),
        clientId: `service-${r % 50}`, userId: `user-${r % 10_000}`,
        scope: ['read', 'write'], audience, now: issued, family: familyId(issued, pool.subarray(o + 16, o + 28).toString('base64url')),
        revoked: r % 100 === 1, rotated: r % 7 === 3,
      });
    }
  }
}

/** `count` usable single-use things (codes or refresh tokens) for the bench's client: [plaintexts, rows]. */
export function usable(count, prefix, makeRow, hash) {
  const now = Math.floor(Date.now() / 1000);
  const plaintexts = [];
  const rows = [];
  for (let i = 0; i < count; i++) {
    const value = prefix + randomBytes(32).toString('base64url');
    plaintexts.push(value);
    rows.push(makeRow({ hash: hash(value), now, family: familyId(now, randomBytes(9).toString('base64url')) }));
  }
  return { plaintexts, rows };
}

function fillColumns(table, columns, row) {
  return columns.map((column) => {
    if (column.name in row) return row[column.name];
    if (column.required) throw new Error(`bulk load: ${table}.${column.name} is NOT NULL without a default and the loader does not know it`);
    return undefined;
  });
}

// --- SQLite ---------------------------------------------------------------------------------------

/**
 * Inserts every row of `rowsByTable` ({ tokens: iterable, codes: iterable }) in one transaction.
 * The file is switched to a rollback journal for the load (a 10M-row transaction would otherwise
 * pass through the WAL) and back to WAL after it, as the server expects. The tables' secondary
 * indexes are dropped for the load and created again from their own CREATE INDEX statements
 * after it, inside the same transaction (building an index by sorting is far faster than
 * millions of random index inserts, and the result is the same index).
 * @returns {{ rows: Record<string, number>, seconds: number }}
 */
export function loadSqlite(dbPath, rowsByTable) {
  const Database = requireFromRoot('better-sqlite3');
  const db = new Database(dbPath);
  const started = Date.now();
  const counts = {};
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -524288'); // 512 MB, for the load only
    const statements = {};
    const columnsOf = {};
    for (const table of Object.keys(rowsByTable)) {
      // Columns in the schema's order; generated and hidden columns excluded (table_xinfo hidden 0).
      const columns = db.prepare(`PRAGMA table_info(${table})`).all().filter((c) => c.name !== 'rowid')
        .map((c) => ({ name: c.name, required: c.notnull === 1 && c.dflt_value === null && c.pk === 0 }));
      const known = (row) => columns.filter((c) => c.name in row || c.required);
      columnsOf[table] = { all: columns, known };
      statements[table] = new Map();
    }
    const words = (value) => (Array.isArray(value) ? value.join(' ') : value);
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
      AND tbl_name IN (${Object.keys(rowsByTable).map(() => '?').join(', ')})`).all(...Object.keys(rowsByTable));
    db.transaction(() => {
      for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
      for (const [table, rows] of Object.entries(rowsByTable)) {
        let n = 0;
        for (const row of rows) {
          const columns = columnsOf[table].known(row);
          const key = columns.map((c) => c.name).join(',');
          let statement = statements[table].get(key);
          if (!statement) {
            statement = db.prepare(`INSERT INTO ${table} (${key}) VALUES (${columns.map(() => '?').join(', ')})`);
            statements[table].set(key, statement);
          }
          statement.run(...fillColumns(table, columns, row).map(words));
          n++;
        }
        counts[table] = (counts[table] ?? 0) + n;
      }
      for (const { sql } of indexes) db.exec(sql);
    })();
    db.pragma('journal_mode = WAL');
    return { rows: counts, seconds: (Date.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/** One value from a SQLite database (the seeded user's id, say). */
export function sqliteValue(dbPath, sql, ...params) {
  const Database = requireFromRoot('better-sqlite3');
  const db = new Database(dbPath, { readonly: true });
  try {
    const row = db.prepare(sql).get(...params);
    return row ? Object.values(row)[0] : undefined;
  } finally {
    db.close();
  }
}

// --- PostgreSQL -----------------------------------------------------------------------------------

export async function pgClient(url) {
  const pg = requireFromRoot('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Inserts every row of `rowsByTable`, 1,000 rows a statement, in one transaction. */
export async function loadPostgres(url, rowsByTable, { schema = 'public' } = {}) {
  const client = await pgClient(url);
  const started = Date.now();
  const counts = {};
  try {
    await client.query('BEGIN');
    for (const [table, rows] of Object.entries(rowsByTable)) {
      const { rows: info } = await client.query(
        `SELECT column_name, is_nullable, column_default, data_type FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, table]);
      if (info.length === 0) throw new Error(`bulk load: no table ${schema}.${table}`);
      const columns = info.map((c) => ({ name: c.column_name, required: c.is_nullable === 'NO' && c.column_default === null, array: c.data_type === 'ARRAY' }));
      let batch = [];
      let batchColumns;
      const flush = async () => {
        if (batch.length === 0) return;
        const names = batchColumns.map((c) => c.name);
        const params = [];
        const tuples = batch.map((row) => `(${fillColumns(table, batchColumns, row).map((value, i) => {
          const column = batchColumns[i];
          params.push(column.array ? value : (Array.isArray(value) ? value.join(' ') : value));
          return `$${params.length}`;
        }).join(', ')})`);
        await client.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')}`, params);
        counts[table] = (counts[table] ?? 0) + batch.length;
        batch = [];
      };
      for (const row of rows) {
        const rowColumns = columns.filter((c) => c.name in row || c.required);
        if (batchColumns && rowColumns.length !== batchColumns.length) await flush();
        batchColumns = rowColumns;
        batch.push(row);
        if (batch.length === 1000) await flush();
      }
      await flush();
    }
    await client.query('COMMIT');
    return { rows: counts, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
