import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/*
 * Memory of the embedded database (PGlite: PostgreSQL compiled to WebAssembly, in this process).
 * A WebAssembly heap grows but never shrinks, so whatever PGlite once needed stays resident:
 * - initdb on a new data directory peaks near 800 MB, so it runs in a short-lived child process
 *   and this process only ever opens an existing directory (docs/benchmarks.md, "2026-12 speed
 *   pass": 833 MB idle after a first start in-process, 366 MB after opening an existing one);
 * - shared_buffers is PostgreSQL's own cache inside that heap: 128 MB by default, 16 MB here
 *   (the operating system caches the data files as well). 16 MB and 8 MB idle alike, ~210 MB.
 */
const SHARED_BUFFERS = '16MB';

/** PGlite's start parameters with the smaller cache. */
export function embeddedStartParams(): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`];
}

/**
 * Makes sure `dataDir` holds a database, creating one (initdb) in a child process if it does not:
 * the memory initdb needs goes back to the system when the child exits. The child needs only
 * PGlite, a production dependency of the built server (drizzle is bundled into it and cannot be
 * required from outside), so migrations then run in the server process as on every start.
 * In-memory databases (`memory://`, tests) have nothing to prepare and are created in-process.
 */
export async function prepareEmbeddedDataDir(dataDir: string): Promise<void> {
  if (dataDir.startsWith('memory://') || existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true });
  const pglite = JSON.stringify(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const script = `const { PGlite } = require(${pglite});
(async () => {
  const pg = await PGlite.create(process.argv[1]);
  await pg.close();
})().catch((err) => { console.error(err); process.exit(1); });`;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['-e', script, dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done()
        : fail(
            new Error(`creating the embedded database in ${dataDir} failed (exit ${code}): ${stderr.trim()}`),
          ),
    );
  });
}
