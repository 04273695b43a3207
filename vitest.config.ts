import { configDefaults, defineConfig } from 'vitest/config';

// Tests mirror src/ (test/server/... for src/server/...) and are split by kind into projects; a
// file's kind is told by its directory or its suffix (docs/DESIGN.md, "Tests"):
//
//   unit         *.test.ts anywhere else: no socket, no child process, no PostgreSQL
//   store        test/store/**: the storage conformance suite, SQLite and PostgreSQL
//   http         *.http.test.ts: real servers on 127.0.0.1 (port 0), the built CLI (dist/), the demo
//   e2e          test/e2e/**: Chromium (/usr/bin/chromium) through playwright-core
//   bench-smoke  test/bench/**: `npm run bench` in quick mode (dist/ and bench/node_modules)
//
// `npm test` builds and runs them all; `npm run test:unit` (test:store, test:http, test:e2e,
// test:bench) runs one. Workspace packages keep their tests in packages/<name>/test/ under the
// same convention: their *.http.test.ts run in http, the rest in unit.
const PACKAGES = 'packages/*/test';
const STORE = 'test/store/**';
const E2E = 'test/e2e/**';
const BENCH = 'test/bench/**';
const HTTP = ['test/**/*.http.test.ts', `${PACKAGES}/**/*.http.test.ts`];
// PostgreSQL (scripts/postgres-test-server.sh) starts for these projects only, unless
// TESSERA_TEST_POSTGRES_URL is set, and stops at the end of the run that started it.
const POSTGRES = ['test/setup/postgres.ts'];

export default defineConfig({
  test: {
    // Servers bind 127.0.0.1 on port 0; files run in parallel across the machine's cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', `${PACKAGES}/**/*.test.ts`],
          exclude: [...configDefaults.exclude, STORE, E2E, BENCH, ...HTTP],
        },
      },
      {
        extends: true,
        test: { name: 'store', include: [`${STORE}/*.test.ts`], globalSetup: POSTGRES },
      },
      {
        extends: true,
        // test/server/postgres-server.http.test.ts runs the server on PostgreSQL.
        test: { name: 'http', include: HTTP, exclude: [...configDefaults.exclude, STORE, E2E, BENCH], globalSetup: POSTGRES },
      },
      {
        extends: true,
        test: { name: 'e2e', include: [`${E2E}/*.test.ts`] },
      },
      {
        extends: true,
        test: { name: 'bench-smoke', include: [`${BENCH}/*.test.ts`] },
      },
    ],
  },
});
