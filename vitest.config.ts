import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['build/**', 'dist/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start real database servers use fixed loopback ports per file; run files one at a time
    // on CI's two cores rather than thrash.
    fileParallelism: true,
  },
});
