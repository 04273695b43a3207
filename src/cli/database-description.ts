import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseConfig } from '../config.js';

/** What `tessera serve` logs about the database it opened: enough to see a mistyped --db, never a password. */
export interface DatabaseDescription {
  kind: DatabaseConfig['kind'];
  /** SQLite: the absolute path of the file (a relative one is resolved against the working directory), or :memory:. */
  path?: string;
  /** PostgreSQL: the URL without its password (userinfo password and a password query parameter). */
  url?: string;
}

export function describeDatabase(db: DatabaseConfig): DatabaseDescription {
  if (db.kind === 'sqlite') return { kind: 'sqlite', path: db.path === ':memory:' ? db.path : resolve(db.path) };
  return { kind: 'postgres', url: redactPostgresUrl(db.url) };
}

export function redactPostgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL the parser takes: say nothing of it rather than risk printing a password.
    return 'postgres://(unparsable URL)';
  }
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (key.toLowerCase() === 'password') url.searchParams.set(key, '***');
  }
  return url.toString();
}

/** Whether opening this database will create a new, empty SQLite file (a mistyped path does). */
export function sqliteFileIsNew(db: DatabaseConfig): boolean {
  return db.kind === 'sqlite' && db.path !== ':memory:' && !existsSync(db.path);
}
