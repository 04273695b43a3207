/**
 * Whether an error means "the database cannot answer now" (down, frozen, restarting, locked by
 * another process) rather than a bug: the HTTP layer answers those with 503 and Retry-After
 * instead of 500 (src/server/error-handler.ts). One place for both backends.
 */

/** Socket-level failures of the connection to PostgreSQL (node's errno codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server shuts down or
 * is starting), 57014 (statement_timeout cancelled the query), 53300 (too many connections).
 */
function unavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '57014' || code === '53300';
}

/** What node-postgres says when its own timeouts fire or the connection is gone; it sets no code. */
const PG_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: connectionTimeoutMillis, waiting for a connection
  'Connection terminated', // "... unexpectedly", "... due to connection timeout"
  'Query read timeout', // query_timeout: no answer (a frozen server)
  'connection error and is not queryable',
  'timeout expired',
  'Client was closed and is not queryable',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // better-sqlite3: SQLITE_BUSY (busy_timeout ran out), SQLITE_LOCKED and their extended codes.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (NETWORK_CODES.has(code)) return true;
    // A PostgreSQL on a Unix socket that is stopped: its socket file is gone.
    if (code === 'ENOENT' && (error as { syscall?: unknown }).syscall === 'connect') return true;
    if (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code)) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.some((text) => message.includes(text));
}

/** Seconds a client is told to wait (Retry-After) while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
