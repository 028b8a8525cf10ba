// Builds the server ahead of time: one ESM bundle per entry (dist/main.js, dist/migrate.js, dist/backup.js) run
// by plain `node`, holding the workspace packages' code and every pure-JavaScript dependency.
// Left outside, and installed as the package's only production dependencies: what cannot be
// bundled (argon2's native addon, sharp's native libvips, PGlite's WebAssembly and data files).
// `pnpm --filter @pigeon/server build`; `node dist/main.js` runs it.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Loaded by `ws` only when installed (optional speed-ups); absent, it uses plain JavaScript. */
const OPTIONAL = ['bufferutil', 'utf-8-validate'];

/** The packages the bundle imports at run time: the production dependencies. */
export function runtimeDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(manifest.dependencies);
}

export async function buildServer(outdir = join(root, 'dist')): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: join(root, 'src/main.ts'),
      migrate: join(root, 'src/migrate.ts'),
      backup: join(root, 'src/backup-cli.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: [...runtimeDependencies(), ...OPTIONAL],
    // Bundled CommonJS modules call require() for Node's built-ins, which ESM lacks.
    banner: {
      js: "import { createRequire as __pigeonCreateRequire } from 'node:module'; const require = __pigeonCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyApiDocsRenderer(outdir);
  // @pigeon/db finds its migrations next to the code that runs them (packages/db/src/client.ts).
  cpSync(
    fileURLToPath(new URL('../../packages/db/migrations', import.meta.url)),
    join(outdir, 'migrations'),
    {
      recursive: true,
    },
  );
}

/** Scalar's renderer for /api/docs, read from disk at run time: it goes next to the bundle. */
export function copyApiDocsRenderer(outdir: string): void {
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  cpSync(join(dirname(main), 'browser/standalone.js'), join(outdir, 'api-docs/standalone.js'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildServer();
  console.log('built apps/server/dist (main.js, migrate.js, migrations/)');
}
