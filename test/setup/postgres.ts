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

/**
 * vitest globalSetup: hands the tests TESSERA_TEST_POSTGRES_URL, starting the throwaway server
 * of scripts/postgres-test-server.sh when the variable is unset.
 *
 * The server is left running after the run: two runs on one machine share it (start is
 * idempotent), and stopping it at one run's end would break the other. Stop it with
 * `scripts/postgres-test-server.sh stop`.
 */
export default async function setup(project: TestProject): Promise<void> {
  let url = process.env.TESSERA_TEST_POSTGRES_URL;
  if (!url) {
    const { stdout } = await promisify(execFile)(SCRIPT, ['start']);
    url = stdout.trim().split('\n').at(-1);
    if (!url) throw new Error(`${SCRIPT} start printed no URL`);
    // Also in the environment, for processes the tests spawn.
    process.env.TESSERA_TEST_POSTGRES_URL = url;
  }
  project.provide('tesseraTestPostgresUrl', url);
}
