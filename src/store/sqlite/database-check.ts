import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { databaseFiles } from './private-files.js';

/** A database file the server cannot use (read-only, corrupt): the CLI prints the message on one line and refuses to start. */
export class UnusableDatabaseFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableDatabaseFile';
  }
}

/**
 * Before opening: the file, its companions and its directory (where SQLite creates -wal and -shm)
 * must be writable, or every write would answer 500 later. access(2) also catches a read-only
 * mount and an immutable file, which root could not write either.
 */
export function checkWritable(path: string): void {
  for (const file of [dirname(path), ...databaseFiles(path)]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      throw new UnusableDatabaseFile(`the database file "${file}" is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions and the mount.`);
    }
  }
}

/** A corrupt file is refused at start (PRAGMA quick_check), not discovered by a request. */
export function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  if (rows.length !== 1 || rows[0]?.quick_check !== 'ok') {
    throw new UnusableDatabaseFile(`the database file "${path}" is corrupt (PRAGMA quick_check: ${rows.slice(0, 3).map((r) => r.quick_check).join('; ')}); restore it from a backup (tessera db backup).`);
  }
}

/** SQLite's own words for a file that is not a sound database, as better-sqlite3 reports them. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
