// A throwaway PostgreSQL 15 cluster of the bench's own, started as the tests start theirs
// (scripts/postgres-test-server.sh, test/helpers/throwaway-postgres.ts): initdb into a temporary
// directory, as the postgres user when run as root (initdb and postgres refuse root), listening
// on 127.0.0.1 only, stopped and deleted at the end of the run.
//
// Unlike the test cluster it keeps fsync on: a benchmark of a database that never flushes would
// flatter it. synchronous_commit is off, which is what SQLite's WAL with synchronous=NORMAL
// (Tessera's setting) also gives: a crash may lose the last commits, never corrupt the database.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = () => process.env.TESSERA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function postgresAvailable() {
  return existsSync(join(bin(), 'initdb')) && existsSync(join(bin(), 'pg_ctl'));
}

function userExists(name) {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class BenchPostgres {
  /** @param {number} port a free TCP port on 127.0.0.1 */
  constructor(port) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'tessera-bench-pg-'));
    this.osUser = undefined;
    if (process.getuid?.() === 0) {
      this.osUser = userExists('postgres') ? 'postgres' : 'nobody';
      chownSync(this.dir, Number(execFileSync('id', ['-u', this.osUser]).toString().trim()), -1);
    }
    this.started = false;
  }

  get data() { return join(this.dir, 'data'); }

  /** The database URL Tessera and the loader use. */
  get url() { return `postgres://postgres@127.0.0.1:${this.port}/tessera_bench`; }

  run(tool, args) {
    const command = join(bin(), tool);
    const [file, argv] = this.osUser ? ['runuser', ['-u', this.osUser, '--', command, ...args]] : [command, args];
    return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir }).toString();
  }

  start() {
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    this.run('pg_ctl', ['start', '-D', this.data, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', '-o',
      `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c synchronous_commit=off -c max_connections=200 -c shared_buffers=256MB`]);
    this.started = true;
    this.run('createdb', ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', 'tessera_bench']);
  }

  /** Drops and re-creates the database: a fresh schema for the next measurement. */
  recreate() {
    this.run('dropdb', ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', '--force', 'tessera_bench']);
    this.run('createdb', ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', 'tessera_bench']);
  }

  /** The postmaster's pid: its process tree is the database's CPU (treeCpuMs in processes.mjs). */
  get pid() {
    return Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  stop() {
    try {
      if (this.started) this.run('pg_ctl', ['stop', '-D', this.data, '-m', 'fast', '-w']);
    } finally {
      this.started = false;
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
