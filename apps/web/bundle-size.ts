// The JavaScript a visitor downloads before the login page works: the entry script and every
// module it preloads, gzipped. Run after `vite build`: `pnpm --filter @pigeon/web exec tsx bundle-size.ts`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const dist = fileURLToPath(new URL('./dist', import.meta.url));

export function initialJavaScript(dir = dist): {
  files: { file: string; gzipBytes: number }[];
  totalGzipBytes: number;
} {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const urls = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  const files = [...new Set(urls)].map((url) => ({
    file: url,
    gzipBytes: gzipSync(readFileSync(join(dir, url))).length,
  }));
  return { files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, totalGzipBytes } = initialJavaScript();
  for (const f of files) console.log(`${(f.gzipBytes / 1024).toFixed(1).padStart(7)} KiB  ${f.file}`);
  console.log(
    `${(totalGzipBytes / 1024).toFixed(1).padStart(7)} KiB  initial JavaScript of the login page (gzip)`,
  );
}
