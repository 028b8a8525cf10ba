import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file migrates a database of its own (PGlite, or PostgreSQL when DATABASE_URL is set),
    // which takes seconds when the machine is busy.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
