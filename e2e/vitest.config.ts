import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Real Chromium against a real server; one file at a time, they share the machine's two cores.
    fileParallelism: false,
    // One more try for a browser test that failed: on a loaded two-core machine a keystroke can
    // land before the menu it targets has taken focus. A test that fails twice is a real failure.
    // (Known flaky without it: keyboard-and-pointer's keyboard journey, see the session note.)
    retry: 1,
  },
});
