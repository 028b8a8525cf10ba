import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const source = fileURLToPath(new URL('./service-worker/sw.js', import.meta.url));

/**
 * Emits `sw.js` (from `service-worker/sw.js`) with the list of files that make up this build's
 * app shell, and a version that changes whenever any of them does, so the browser installs the
 * new worker, which drops the old copies. Source maps stay out. Build only: the dev server
 * registers no worker.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'pigeon-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle)
        .filter((file) => !file.endsWith('.map'))
        .map((file) => `/${file}`);
      const files = [
        ...new Set(['/index.html', '/favicon.svg', '/manifest.webmanifest', '/icon-maskable.svg', ...built]),
      ].sort();
      const hash = createHash('sha256');
      for (const file of Object.keys(bundle).sort()) {
        const chunk = bundle[file];
        if (!chunk) continue;
        hash.update(file);
        hash.update(chunk.type === 'chunk' ? chunk.code : chunk.source);
      }
      const code = readFileSync(source, 'utf8')
        .replace("'__PIGEON_SW_VERSION__'", JSON.stringify(hash.digest('hex').slice(0, 16)))
        .replace("'__PIGEON_SW_FILES__'", JSON.stringify(files));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}
