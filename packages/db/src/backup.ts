import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Backups of Pigeon's one source of truth, the database: everything else (Redis presence, rate
 * limits, the bus) is rebuilt at run time. One file per backup, in the database's own format:
 * `pg_dump`'s custom archive for PostgreSQL, PGlite's gzipped data-directory tarball for the
 * embedded mode.
 */
export type BackupTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export class BackupError extends Error {}

export async function backup(target: BackupTarget, file: string): Promise<void> {
  if (target.kind === 'postgres') {
    // --no-owner: a restore may run as another role than the one that made the tables.
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${target.url}`]);
    return;
  }
  assertStopped(target.dataDir);
  if (!existsSync(join(target.dataDir, 'PG_VERSION'))) {
    throw new BackupError(`${target.dataDir} holds no Pigeon database to back up.`);
  }
  const db = new PGlite(target.dataDir);
  try {
    // dumpDataDir does not wait for the database to open; without this it waits forever.
    await db.waitReady;
    const archive = await db.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await archive.arrayBuffer()), { mode: 0o600 });
  } finally {
    await db.close();
  }
}

/**
 * Puts a backup back. PostgreSQL: into the database the URL names (existing objects are
 * replaced, in one transaction, so a failed restore changes nothing). Embedded: into an empty
 * data directory; with `replace`, an existing one is kept aside (renamed) rather than deleted.
 */
export async function restore(
  target: BackupTarget,
  file: string,
  options: { replace?: boolean } = {},
): Promise<{ keptAside?: string }> {
  if (!existsSync(file)) throw new BackupError(`No backup file at ${file}.`);
  if (target.kind === 'postgres') {
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${target.url}`,
      file,
    ]);
    return {};
  }
  const dir = resolve(target.dataDir);
  let keptAside: string | undefined;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.replace) {
      throw new BackupError(
        `${dir} is not empty. Stop the server and pass --replace to keep it aside and restore.`,
      );
    }
    assertStopped(dir);
    keptAside = join(dirname(dir), `${basename(dir)}.before-restore-${Date.now()}`);
    renameSync(dir, keptAside);
  }
  const archive = new Blob([readFileSync(file)]);
  const db = new PGlite(dir, { loadDataDir: archive });
  try {
    // Proves the restored directory opens as a database before anyone relies on it.
    await db.query('select 1');
  } finally {
    await db.close();
  }
  return keptAside ? { keptAside } : {};
}

/** PGlite keeps a postmaster.pid while a process has the directory open. */
function assertStopped(dataDir: string) {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    throw new BackupError(
      `${dataDir} is in use (postmaster.pid): stop the Pigeon server first. If it was killed, ` +
        'start and stop it once so the directory is closed cleanly.',
    );
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'ENOENT'
          ? new BackupError(`${command} was not found: install PostgreSQL's client tools.`)
          : err,
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new BackupError(`${command} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}
