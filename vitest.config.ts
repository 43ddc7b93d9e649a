import { defineConfig } from 'vitest/config';

/** Two suites: fast pure-Node unit tests, and integration tests that start real crash / sshd. */
export const config = defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Each file starts real crash processes (6 s and ~1 GB each); run files one at a time.
          fileParallelism: false,
          // These files test crash (and drgn on its own); sessions with drgn beside crash turn it on
          // in their own Api options (tests/integration/api/engines-*.test.ts). No gdb-indexed vmlinux
          // copies are built into the real debuginfod cache (tests/integration/crash/gdb-index.test.ts
          // turns them on with a private cache).
          env: { CRASHDECK_DRGN: 'off', CRASHDECK_GDB_INDEX: '0' },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});



export default config;
