// `npm run test:sdk`: real Pyroscope SDKs and a real Go service against the embedded backend
// (sdk/sdk.test.ts). Not part of `npm run test:unit`: it runs programs for about a minute.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sdk/**/*.test.ts'],
    environment: 'node',
    // Building the programs, installing an SDK on a first run, and 30 s of pushing.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
