import { chmodSync, closeSync, openSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { checkIntegrity } from './database-check.js';

/**
 * A consistent copy of a live SQLite database, taken online with SQLite's backup API (through
 * better-sqlite3): servers may keep writing meanwhile; the copy is one committed state. The
 * target must not exist; it is created 0600 (it holds every hash and the sealed signing keys)
 * and checked with PRAGMA quick_check before this resolves.
 */
export async function backupSqlite(sourcePath: string, targetPath: string): Promise<{ pages: number }> {
  // 'wx': never overwrite a file (an older backup, or the database itself); 0600 from the start.
  closeSync(openSync(targetPath, 'wx', 0o600));
  const source = new Database(sourcePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(targetPath);
    chmodSync(targetPath, 0o600);
    const copy = new Database(targetPath, { fileMustExist: true });
    try {
      checkIntegrity(copy, targetPath);
    } finally {
      copy.close();
    }
    return { pages: totalPages };
  } catch (error) {
    rmSync(targetPath, { force: true });
    throw error;
  } finally {
    source.close();
  }
}
