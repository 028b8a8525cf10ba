import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The contract suite streams 30 MB bodies, and the S3 suite starts a server.
    hookTimeout: 60_000,
    testTimeout: 60_000,
  },
});
