// @vitest-environment node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { dist, initialJavaScript } from '../bundle-size';

const BUDGET_BYTES = 150 * 1024;

it('keeps the login page’s initial JavaScript under 150 KiB gzipped', () => {
  expect(existsSync(join(dist, 'index.html')), 'run `vite build` first (pnpm test does)').toBe(true);
  const { files, totalGzipBytes } = initialJavaScript();
  expect(files.length).toBeGreaterThan(0);
  expect(totalGzipBytes).toBeLessThan(BUDGET_BYTES);
});
