import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.TESSERA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of one test's own, which the test may stop, start, freeze and thaw
 * without disturbing the shared server of scripts/postgres-test-server.sh. It listens on a Unix
 * socket only (no TCP port to choose). As root, initdb and postgres run as the postgres user
 * (else nobody), like the script does.
 */
export class ThrowawayPostgres {
  readonly dir: string;
  private readonly osUser: string | undefined;

  private constructor(dir: string, osUser: string | undefined) {
    this.dir = dir;
    this.osUser = osUser;
  }

  static available(): boolean {
    return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
  }

  static create(): ThrowawayPostgres {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-own-'));
    let osUser: string | undefined;
    if (process.getuid?.() === 0) {
      osUser = userExists('postgres') ? 'postgres' : 'nobody';
      const uid = Number(execFileSync('id', ['-u', osUser]).toString().trim());
      chownSync(dir, uid, -1);
    }
    const cluster = new ThrowawayPostgres(dir, osUser);
    cluster.run('initdb', ['-D', cluster.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    return cluster;
  }

  private get data(): string { return join(this.dir, 'data'); }

  /** A URL for pg: the socket directory as host. */
  get url(): string { return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(this.dir)}`; }

  start(): void {
    this.run('pg_ctl', ['start', '-D', this.data, '-l', join(this.dir, 'server.log'), '-w', '-t', '30',
      '-o', `-c listen_addresses= -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`]);
  }

  stop(): void {
    this.run('pg_ctl', ['stop', '-D', this.data, '-m', 'fast', '-w']);
  }

  /** The postmaster and its children (each backend calls setsid, so no one process group holds them all). */
  private processes(): number[] {
    const postmaster = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === postmaster ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
    return [postmaster, ...children];
  }

  /** SIGSTOP to the postmaster and every backend: a server that accepts connections and never answers. */
  freeze(): void { this.signal('SIGSTOP'); }

  thaw(): void { this.signal('SIGCONT'); }

  /** A backend may exit between the listing and the signal (ESRCH): that one needs none. */
  private signal(name: NodeJS.Signals): void {
    for (const pid of this.processes()) {
      try {
        process.kill(pid, name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }

  remove(): void {
    try { this.thaw(); } catch { /* not running */ }
    try { this.run('pg_ctl', ['stop', '-D', this.data, '-m', 'immediate', '-w']); } catch { /* not running */ }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = this.osUser ? 'runuser' : join(BIN, tool);
    const fullArgs = this.osUser ? ['-u', this.osUser, '--', join(BIN, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
