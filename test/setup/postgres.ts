import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL the PostgreSQL tests may create schemas in. */
    tesseraTestPostgresUrl: string;
  }
}

const SCRIPT = join(import.meta.dirname, '../../scripts/postgres-test-server.sh');
const run = promisify(execFile);

/** What this vitest process set itself, so that a second project's setup does not take it for the user's. */
const ours = globalThis as { tesseraTestPostgresLeased?: string };

/**
 * vitest globalSetup of the projects that need PostgreSQL (store, http; see vitest.config.ts):
 * hands the tests TESSERA_TEST_POSTGRES_URL. When the variable is unset, it takes a lease on the
 * throwaway server of scripts/postgres-test-server.sh (starting it if it is not running) and
 * gives the lease back at the end of the run: the server stops when the last run that holds a
 * lease ends, so two runs on one machine share it and neither stops it under the other. A
 * server started by hand (`scripts/postgres-test-server.sh start`) is never stopped by a run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TESSERA_TEST_POSTGRES_URL;
  if (given && given !== ours.tesseraTestPostgresLeased) {
    project.provide('tesseraTestPostgresUrl', given);
    return undefined;
  }
  // One lease per project: each project's teardown gives back its own.
  const lease = `${process.pid}-${project.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'root'}`;
  const { stdout } = await run(SCRIPT, ['acquire', lease]);
  const url = stdout.trim().split('\n').at(-1);
  if (!url) throw new Error(`${SCRIPT} acquire printed no URL`);
  // Also in the environment, for processes the tests spawn.
  process.env.TESSERA_TEST_POSTGRES_URL = url;
  ours.tesseraTestPostgresLeased = url;
  project.provide('tesseraTestPostgresUrl', url);
  return async () => {
    await run(SCRIPT, ['release', lease]);
  };
}
