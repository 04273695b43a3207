import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** A database file others can read: it holds every hash and the sealed signing keys. */
export class InsecureDatabaseFile extends Error {
  constructor(readonly path: string) {
    super(`the database file "${path}" can be read by other users; run: chmod 700 ${dirname(path)} && chmod 600 ${path}*`);
    this.name = 'InsecureDatabaseFile';
  }
}

/** The database file and SQLite's companions that hold its data. */
export const databaseFiles = (path: string): string[] => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

/**
 * Before SQLite opens `path`: its directory is created 0700 and the file 0600 (SQLite gives its
 * -wal and -shm files the database file's mode); an existing file that group or others may read
 * is refused rather than silently fixed, since its contents may already have been copied.
 */
export function preparePrivateDatabaseFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (const file of databaseFiles(path)) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) throw new InsecureDatabaseFile(file);
  }
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

/** After opening: the companions SQLite created are 0600 too, whatever the umask. */
export function restrictDatabaseFiles(path: string): void {
  for (const file of databaseFiles(path)) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
