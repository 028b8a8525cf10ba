import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPigeonClient } from '@pigeon/client';
import { createScratchDatabase } from '@pigeon/db/testing';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startInOwnSession, type SessionProcess } from '../src/process-session';
import { freePort, waitFor } from '../src/ports';

// `pnpm dev` goes through Turborepo, whose strict environment mode hands a task only the
// variables turbo.json lists. These tests start it as a contributor would, so a server
// setting that turbo drops (the server then quietly falls back to its default) fails here.

const adminUrl = process.env.DATABASE_URL;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const startupMs = 150_000;

let dev: SessionProcess | undefined;
afterEach(async () => {
  await dev?.stop();
  dev = undefined;
});

/** `pnpm dev` for the server alone, in an environment of the caller's variables only. */
function pnpmDev(env: Record<string, string>): SessionProcess {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']
      .map((name) => [name, process.env[name]] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined),
  );
  return startInOwnSession('pnpm', ['dev', '--filter=@pigeon/server'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
  });
}

/** Ready, not just listening: the server answers /healthz before its database is open. */
async function waitForReady(port: number): Promise<void> {
  const ready = async () => (await fetch(`http://127.0.0.1:${String(port)}/readyz`)).ok;
  await waitFor(`pnpm dev to be ready on PORT=${String(port)}`, ready, startupMs).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- pnpm dev output ---\n${dev?.output() ?? ''}`);
  });
}

describe('pnpm dev passes the server its configuration', () => {
  it(
    'listens on PORT and keeps the embedded database in PIGEON_DATA_DIR',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'pigeon-dev-env-'));
      try {
        const port = await freePort();
        dev = pnpmDev({ PORT: String(port), PIGEON_DATA_DIR: dataDir });
        await waitForReady(port);
        expect(await readdir(dataDir)).not.toEqual([]);
      } finally {
        await dev?.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    startupMs + 30_000,
  );

  it.runIf(adminUrl)(
    'uses the PostgreSQL database of DATABASE_URL (with JWT_SECRET), not the embedded one',
    async () => {
      const scratch = await createScratchDatabase(adminUrl ?? '');
      const db = postgres(scratch.url, { max: 1, onnotice: () => undefined });
      const client = (port: number) =>
        createPigeonClient({ url: `http://127.0.0.1:${String(port)}`, WebSocket });
      let pigeon: ReturnType<typeof client> | undefined;
      try {
        const port = await freePort();
        dev = pnpmDev({
          PORT: String(port),
          DATABASE_URL: scratch.url,
          JWT_SECRET: randomBytes(48).toString('base64url'),
        });
        await waitForReady(port);

        pigeon = client(port);
        const username = `dev_${randomBytes(5).toString('hex')}`;
        await pigeon.auth.register.mutate({
          username,
          email: `${username}@example.com`,
          password: 'dev env password',
        });
        const rows = await db`select username from users where username = ${username}`;
        expect(rows.map((r) => r.username as string)).toEqual([username]);
      } finally {
        await pigeon?.$close();
        await db.end();
        await dev?.stop();
        await scratch.drop();
      }
    },
    startupMs + 30_000,
  );
});
