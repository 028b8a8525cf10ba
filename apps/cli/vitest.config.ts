import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file starts a real server (and restarts it); a busy machine needs the room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
