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
    // The built CLI keeps rendered phases in the user's cache folder (src/synth/render-cache.ts): the tests
    // spawn it hundreds of times and must neither write into the home folder nor depend on what an earlier
    // run left there (a cache hit loads no cdk8s). test/synth/render-cache.test.ts passes its own folders.
    env: { THREESCALE_MIGRATE_CACHE_DIR: 'off' },
  },
});
