import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Ceilings for a loaded two-core machine, not targets: fuzz and corpus tests take seconds there.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Vitest's default is one fewer worker than cores: one at a time on a two-core machine, where
          // each file's start (a fork, its imports) leaves the other core idle. Unit and infra share this.
          maxWorkers: '100%',
        },
      },
      {
        test: {
          name: 'integ',
          include: ['test/integ/**/*.test.ts'],
          // Whole local stacks and demos: ceilings sized for a loaded two-core machine.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // emulators are heavy: one file at a time on a 2-core machine
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // The same as unit's: projects that run side by side must agree on it.
          maxWorkers: '100%',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
