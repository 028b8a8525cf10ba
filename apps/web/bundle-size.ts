// The JavaScript a visitor downloads before the login page works: the entry script and every
// module it preloads, as the server sends them: the build's precompressed copies (precompress.ts).
// Run after `vite build`: `pnpm --filter @pigeon/web exec tsx bundle-size.ts`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const dist = fileURLToPath(new URL('./dist', import.meta.url));

/** The scripts index.html loads at once: its module script and the modules it preloads. */
export function initialScripts(html: string): string[] {
  const urls = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  return [...new Set(urls)];
}

/** A built file's size as sent with one encoding; the plain file when there is no smaller copy. */
function sentBytes(file: string, suffix: '.gz' | '.br'): number {
  return existsSync(`${file}${suffix}`) ? statSync(`${file}${suffix}`).size : statSync(file).size;
}

export function initialJavaScript(dir = dist): {
  files: { file: string; gzipBytes: number; brotliBytes: number }[];
  totalGzipBytes: number;
  totalBrotliBytes: number;
} {
  const files = initialScripts(readFileSync(join(dir, 'index.html'), 'utf8')).map((url) => ({
    file: url,
    gzipBytes: sentBytes(join(dir, url), '.gz'),
    brotliBytes: sentBytes(join(dir, url), '.br'),
  }));
  return {
    files,
    totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    totalBrotliBytes: files.reduce((sum, f) => sum + f.brotliBytes, 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, totalGzipBytes, totalBrotliBytes } = initialJavaScript();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KiB`;
  for (const f of files) console.log(`${kib(f.gzipBytes)} gzip ${kib(f.brotliBytes)} br  ${f.file}`);
  console.log(
    `${kib(totalGzipBytes)} gzip ${kib(totalBrotliBytes)} br  initial JavaScript of the login page`,
  );
}
