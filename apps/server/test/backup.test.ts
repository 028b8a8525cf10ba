import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createScratchDatabase } from '@pigeon/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config';
import { befriend, collectEvents, newClientId, startTestServer } from './harness';

const serverRoot = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs the real CLI, as `pnpm backup` / `pnpm restore` do, with only the database in its environment. */
async function cli(args: string[], database: { url?: string; dataDir?: string }) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, INIT_CWD: serverRoot };
  if (database.url) env.DATABASE_URL = database.url;
  if (database.dataDir) env.PIGEON_DATA_DIR = database.dataDir;
  return execFileAsync(process.execPath, ['--import', 'tsx', 'src/backup-cli.ts', ...args], {
    cwd: serverRoot,
    env,
  });
}

/** The CLI's message when it must fail; it failing to fail fails the test. */
async function cliFailure(args: string[], database: { dataDir: string }): Promise<string> {
  const outcome = await cli(args, database).then(
    () => null,
    (err: unknown) => err as { code: number; stderr: string },
  );
  expect(outcome?.code).toBe(1);
  return outcome?.stderr ?? '';
}

interface Mode {
  name: string;
  /** A fresh, empty database for the server, a way to wipe it completely, and to remove it. */
  fresh: () => Promise<{
    database: ServerConfig['database'];
    cliTarget: { url?: string; dataDir?: string };
    /** Leaves it empty, as after losing the server's disk (PostgreSQL: dropped and made again). */
    wipe: () => Promise<void>;
    /** Removes it for good, after the test. */
    remove: () => Promise<void>;
  }>;
}

const scratchDir = mkdtempSync(join(tmpdir(), 'pigeon-backup-'));
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

const embedded: Mode = {
  name: 'embedded data directory',
  fresh() {
    const dataDir = join(scratchDir, `data-${Date.now()}`);
    return Promise.resolve({
      database: { url: undefined, dataDir, poolSize: 1 },
      cliTarget: { dataDir },
      wipe() {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
      remove() {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
};

const postgresMode: Mode = {
  name: 'PostgreSQL',
  async fresh() {
    const adminUrl = process.env.DATABASE_URL as string;
    const scratch = await createScratchDatabase(adminUrl);
    return {
      database: { url: scratch.url, dataDir: 'memory://', poolSize: 5 },
      cliTarget: { url: scratch.url },
      // Dropped and made again empty under the same name, as after losing the server's disk.
      async wipe() {
        await scratch.drop();
        const postgres = (await import('postgres')).default;
        const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
        try {
          await admin.unsafe(`create database ${new URL(scratch.url).pathname.slice(1)}`);
        } finally {
          await admin.end();
        }
      },
      remove: () => scratch.drop(),
    };
  },
};

const modes = process.env.DATABASE_URL ? [embedded, postgresMode] : [embedded];

describe.each(modes)('backup and restore: $name', (mode) => {
  it('restores accounts, friendships, history and event streams; a client resumes from its old lastEventId', async () => {
    const { database, cliTarget, wipe, remove } = await mode.fresh();
    const before = await startTestServer('embedded', { database });
    const alice = await before.user('alice');
    const bob = await before.user('bob');
    const conversationId = await befriend(alice, bob);

    const bobStream = collectEvents(bob.client);
    await bobStream.live();
    await alice.client.messages.send.mutate({ conversationId, body: 'seen before', clientId: newClientId() });
    await bobStream.until(() => bobStream.messages().length === 1);
    const lastSeen = bobStream.events().at(-1)?.id;
    bobStream.unsubscribe();
    const whileAway = ['missed 1', 'missed 2'];
    for (const body of whileAway)
      await alice.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });
    await before.close();

    const file = join(scratchDir, `backup-${Date.now()}`);
    const made = await cli(['backup', file], cliTarget);
    expect(made.stdout).toMatch(/Backed up/);
    expect(statSync(file).size).toBeGreaterThan(1_000);
    await wipe();

    // Nothing left: a server started now would be empty. Then the restore puts it all back.
    await cli(['restore', file], cliTarget);
    const after = await startTestServer('embedded', { database });
    try {
      const bobAgain = after.client();
      await bobAgain.auth.login.mutate({ username: bob.username, password: bob.password });
      const friends = await bobAgain.friends.list.query();
      expect(friends.map((f) => f.username)).toEqual([alice.username]);
      const history = await bobAgain.messages.history.query({ conversationId });
      expect(history.messages.map((m) => m.body).sort()).toEqual(['missed 1', 'missed 2', 'seen before']);

      // The stream picks up exactly where bob left it: the two missed messages, then live.
      const resumed = collectEvents(bobAgain, String(lastSeen));
      await resumed.live();
      expect(resumed.messages().map((m) => m.body)).toEqual(whileAway);

      // And new events continue the same stream, after the restored ids.
      const aliceAgain = after.client();
      await aliceAgain.auth.login.mutate({ username: alice.username, password: alice.password });
      await aliceAgain.messages.send.mutate({
        conversationId,
        body: 'after restore',
        clientId: newClientId(),
      });
      await resumed.until(() => resumed.messages().length === 3);
      const ids = resumed.events().map((e) => e.id);
      expect(ids[0]).toBeGreaterThan(Number(lastSeen));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(resumed.errors).toEqual([]);
      resumed.unsubscribe();
    } finally {
      await after.close();
      // Not wipe(): on PostgreSQL that makes the database again, empty, and it stayed behind.
      await remove();
    }
  }, 180_000);
});

describe('backup safety (embedded)', () => {
  it('refuses to back up a data directory a running server holds, and to restore over one without --replace', async () => {
    const dataDir = join(scratchDir, 'busy');
    const running = await startTestServer('embedded', { database: { url: undefined, dataDir, poolSize: 1 } });
    const file = join(scratchDir, 'busy-backup');
    try {
      expect(await cliFailure(['backup', file], { dataDir })).toMatch(
        /in use.*stop the Pigeon server first/s,
      );
    } finally {
      await running.close();
    }
    await cli(['backup', file], { dataDir });
    expect(await cliFailure(['restore', file], { dataDir })).toMatch(/not empty.*--replace/s);
    const replaced = await cli(['restore', file, '--replace'], { dataDir });
    expect(replaced.stdout).toMatch(/kept at .*busy\.before-restore-/);
    expect(readdirSync(scratchDir).some((name) => name.startsWith('busy.before-restore-'))).toBe(true);
  }, 180_000);
});
