import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests drive real daemons and the vagrant CLI; two cores are all we have.
    maxWorkers: 2,
  },
});
