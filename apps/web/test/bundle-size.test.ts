// @vitest-environment node
import { existsSync, readdirSync } from 'node:fs';
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

it('loads the password strength estimator (zxcvbn-ts) only when a form needs it', () => {
  const { files } = initialJavaScript();
  expect(files.map((f) => f.file).filter((file) => file.includes('zxcvbn'))).toEqual([]);
  // It is built, as a chunk of its own that the meter imports on first use.
  expect(readdirSync(join(dist, 'assets')).some((file) => file.startsWith('zxcvbn-estimator-'))).toBe(true);
});
