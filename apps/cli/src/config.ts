import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PublicUser, StoredSession } from '@pigeon/client';

/**
 * What `pigeon login` leaves behind: the server, and either a session's tokens (refreshed and
 * saved again as they rotate) or a bearer token used as it is (an API token), with its user.
 */
export type CliConfig =
  { server: string; session: StoredSession } | { server: string; token: string; user: PublicUser };

/** `$XDG_CONFIG_HOME/pigeon`, or `~/.config/pigeon` (the XDG Base Directory default). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'pigeon');
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'session.json');

export function readConfig(env: NodeJS.ProcessEnv = process.env): CliConfig | null {
  let text: string;
  try {
    text = readFileSync(configFile(env), 'utf8');
  } catch {
    return null;
  }
  const parsed = JSON.parse(text) as Partial<{
    server: string;
    session: StoredSession;
    token: string;
    user: PublicUser;
  }>;
  if (!parsed.server) return null;
  if (parsed.session) return { server: parsed.server, session: parsed.session };
  if (parsed.token && parsed.user) return { server: parsed.server, token: parsed.token, user: parsed.user };
  return null;
}

/**
 * Writes the session readable by its owner only: the refresh token in it is as good as the
 * password for as long as it lives. The folder is private too. Written beside it and renamed
 * over it, so another pigeon process reading the session meanwhile sees the old file or the new
 * one, never a half-written one.
 */
export function writeConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): void {
  mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
  const file = configFile(env);
  const next = `${file}.${process.pid}.tmp`;
  writeFileSync(next, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
}

export function removeConfig(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(configFile(env), { force: true });
}
