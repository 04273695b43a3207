import { rowCodecs, type ValueEncoding } from '../rows.js';

/**
 * How the SQLite schema stores what SQLite has no type for: lists as JSON text (scopes as
 * space-separated text), booleans as 0 or 1, JWKs as JSON text.
 */
export const sqliteValues: ValueEncoding = {
  list: (value) => JSON.stringify(value),
  readList: (stored) => JSON.parse(stored as string) as string[],
  words: (value) => value.join(' '),
  readWords: (stored) => ((stored as string) === '' ? [] : (stored as string).split(' ')),
  boolean: (value) => (value ? 1 : 0),
  readBoolean: (stored) => stored === 1,
  json: (value) => JSON.stringify(value),
  readJson: (stored) => JSON.parse(stored as string) as Record<string, unknown>,
};

export const rows = rowCodecs(sqliteValues);

/** `?, ?, ?` for the columns of an INSERT. */
export function placeholders(columns: readonly string[]): string {
  return columns.map(() => '?').join(', ');
}
