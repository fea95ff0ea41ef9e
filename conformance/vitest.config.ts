// `npm run test:conformance`: the conformance suite alone (its embedded half also runs in `npm test`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['conformance/**/*.test.ts'],
    environment: 'node',
    // A real Pyroscope makes ingested profiles visible asynchronously (backend.ts waits for them).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
