// @vitest-environment node
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { dist, initialJavaScript, initialScripts } from '../bundle-size';

const BUDGET_BYTES = 150 * 1024;

it('keeps the login page’s initial JavaScript under 150 KiB as sent gzipped (less as brotli)', () => {
  expect(existsSync(join(dist, 'index.html')), 'run `vite build` first (pnpm test does)').toBe(true);
  const { files, totalGzipBytes, totalBrotliBytes } = initialJavaScript();
  expect(files.length).toBeGreaterThan(0);
  expect(totalGzipBytes).toBeLessThan(BUDGET_BYTES);
  expect(totalBrotliBytes).toBeLessThan(totalGzipBytes);
});

it('builds a brotli and a gzip copy of every initial script and of index.html, with the same content', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const file of ['/index.html', ...initialScripts(html)]) {
    const path = join(dist, file);
    const plain = readFileSync(path);
    expect(gunzipSync(readFileSync(`${path}.gz`)).equals(plain), file).toBe(true);
    expect(brotliDecompressSync(readFileSync(`${path}.br`)).equals(plain), file).toBe(true);
  }
});

it('links no source map from the bundles', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const file of initialScripts(html))
    expect(readFileSync(join(dist, file), 'utf8'), file).not.toMatch(/sourceMappingURL/);
});

it('loads the password strength estimator (zxcvbn-ts) only when a form needs it', () => {
  const { files } = initialJavaScript();
  expect(files.map((f) => f.file).filter((file) => file.includes('zxcvbn'))).toEqual([]);
  // It is built, as a chunk of its own that the meter imports on first use.
  expect(readdirSync(join(dist, 'assets')).some((file) => file.startsWith('zxcvbn-estimator-'))).toBe(true);
});
