import { defineConfig } from 'vitest/config';

export default defineConfig({
  // As in vite.config.ts: the worker's warm-up profiles are imported inlined.
  assetsInclude: ['**/*.gz'],
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
