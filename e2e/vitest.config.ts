import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Real Chromium against a real server; one file at a time, they share the machine's two cores.
    fileParallelism: false,
  },
});
