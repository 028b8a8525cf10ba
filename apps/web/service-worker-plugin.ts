import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { appShell, type ShellFile } from './service-worker-shell';

const source = fileURLToPath(new URL('./service-worker/sw.js', import.meta.url));

/**
 * Emits `sw.js` (from `service-worker/sw.js`) with the list of files that make up this build's
 * app shell — the bundle and everything in `public/` — and a version that changes whenever any of
 * them does, so the browser installs the new worker, which drops the old copies. Source maps stay
 * out. Build only: the dev server registers no worker.
 */
export function serviceWorker(): Plugin {
  let publicDir = '';
  return {
    name: 'pigeon-service-worker',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle(_options, bundle) {
      const built: ShellFile[] = Object.entries(bundle).map(([file, chunk]) => ({
        path: `/${file}`,
        content: chunk.type === 'chunk' ? chunk.code : chunk.source,
      }));
      const { version, paths } = appShell([...built, ...publicFiles(publicDir)]);
      const code = readFileSync(source, 'utf8')
        .replace("'__PIGEON_SW_VERSION__'", JSON.stringify(version))
        .replace("'__PIGEON_SW_FILES__'", JSON.stringify(paths));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}

function publicFiles(dir: string): ShellFile[] {
  if (!dir) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = join(entry.parentPath, entry.name);
      return { path: `/${relative(dir, full).split(sep).join('/')}`, content: readFileSync(full) };
    });
}
