import { createHash } from 'node:crypto';

/** One file of the app shell: its URL path and its bytes (or text). */
export interface ShellFile {
  path: string;
  content: string | Uint8Array;
}

/**
 * The files the service worker keeps and a version that changes whenever any of their bytes do.
 * Files copied from `public/` count as much as the bundle: a new icon or manifest must roll out a
 * new worker too, or installed apps keep the old one.
 */
export function appShell(files: readonly ShellFile[]): { version: string; paths: string[] } {
  const sorted = [...files]
    .filter((file) => !file.path.endsWith('.map'))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const hash = createHash('sha256');
  for (const file of sorted) {
    hash.update(file.path);
    hash.update('\0');
    hash.update(file.content);
    hash.update('\0');
  }
  const paths = [...new Set(['/index.html', ...sorted.map((file) => file.path)])].sort();
  return { version: hash.digest('hex').slice(0, 16), paths };
}
