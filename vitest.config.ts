import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Servers bind 127.0.0.1 on free ports; files run in parallel across the machine's cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Starts scripts/postgres-test-server.sh when TESSERA_TEST_POSTGRES_URL is unset, for test/store/postgres.test.ts.
    globalSetup: ['test/setup/postgres.ts'],
  },
});
