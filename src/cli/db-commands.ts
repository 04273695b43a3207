import type { Command } from 'commander';
import { databaseFromFlag } from '../config.js';
import { backupSqlite } from '../store/sqlite/backup.js';
import { AdminError, print } from './admin-commands.js';

/**
 * `tessera db backup FILE`: a consistent online copy of the SQLite database (the servers keep
 * running). For PostgreSQL, its own tools (pg_dump, base backups) do this.
 */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('backup').description('copy the SQLite database to FILE while the servers run (consistent, 0600); FILE must not exist')
    .argument('<file>', 'the copy to write')
    .option('--db <url>', 'database URL (default sqlite:./data/tessera.db, or TESSERA_DB)')
    .action(async (file: string, options: { db?: string }) => {
      const database = databaseFromFlag(options.db);
      if (database.kind !== 'sqlite') throw new AdminError('tessera db backup copies a SQLite database; back up PostgreSQL with pg_dump or a base backup.');
      if (database.path === ':memory:') throw new AdminError('an in-memory database has nothing to back up.');
      let pages: number;
      try {
        ({ pages } = await backupSqlite(database.path, file));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new AdminError(`${file} exists; choose a new file name (a backup never overwrites).`);
        throw error;
      }
      print({
        backup: file, pages,
        note: 'the server secret is not in the database: back up its file too (beside the database, or --secret-file), or the copy is of no use',
      });
    });
}
