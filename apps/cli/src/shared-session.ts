import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import type { SharedSession } from '@pigeon/client';
import { configDir, configFile, readConfig } from './config';
import { CliError } from './errors';

/** A lock older than this was left by a process that died mid-refresh (one takes < 1 s). */
const STALE_LOCK_MS = 30_000;
const WAIT_FOR_LOCK_MS = 15_000;

/**
 * The saved session as every `pigeon` process sees it (`pigeon tail` in one terminal, `pigeon
 * send` in another): each refresh starts from the newest tokens in the file and runs under a
 * lock file, so no process presents a refresh token another already used — which the server
 * takes for a stolen token, ending the session.
 */
export function sharedSessionFile(env: NodeJS.ProcessEnv = process.env): SharedSession {
  return {
    read() {
      const config = readConfig(env);
      return config && 'session' in config ? config.session : null;
    },
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
      const lock = `${configFile(env)}.lock`;
      await acquire(lock);
      try {
        return await fn();
      } finally {
        rmSync(lock, { force: true });
      }
    },
  };
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_LOCK_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
    else if (Date.now() > deadline) throw new CliError(`Another pigeon process keeps ${lock} locked.`);
    else await new Promise((r) => setTimeout(r, 50));
  }
}
