/**
 * `pnpm backup <file>` and `pnpm restore <file> [--replace]`: the database the server would use
 * (DATABASE_URL, else the embedded PIGEON_DATA_DIR) to one file and back. See docs/operations.md.
 */
import { resolve } from 'node:path';
import { backup, BackupError, restore, type BackupTarget } from '@pigeon/db/backup';

const usage = 'usage: pnpm backup <file>  |  pnpm restore <file> [--replace]';

function targetFromEnvironment(): BackupTarget {
  const url = process.env.DATABASE_URL;
  if (url) return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: process.env.PIGEON_DATA_DIR ?? './.pigeon-data' };
}

/** pnpm runs the script inside apps/server; a path the person typed is relative to where they typed it. */
const fromCaller = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

async function main(argv: string[]): Promise<number> {
  const [command, file, ...flags] = argv;
  if (!file || (command !== 'backup' && command !== 'restore')) {
    console.error(usage);
    return 64; // EX_USAGE
  }
  const target = targetFromEnvironment();
  const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : target.dataDir;
  if (command === 'backup') {
    await backup(target, fromCaller(file));
    console.log(`Backed up ${where} to ${fromCaller(file)}.`);
    return 0;
  }
  const { keptAside } = await restore(target, fromCaller(file), { replace: flags.includes('--replace') });
  if (keptAside) console.log(`The previous data directory is kept at ${keptAside}.`);
  console.log(`Restored ${fromCaller(file)} into ${where}. Start the server: it migrates forward if needed.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof BackupError ? err.message : err);
    process.exit(1);
  },
);
