import type { Command } from 'commander';
import type { PigeonClient } from '@pigeon/client';
import { CliError } from '../errors';

/** `pigeon token`, made by whichever `token …` command file adds itself first. */
export function tokenCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'token') ??
    program.command('token').description('personal API tokens (for scripts and bots); needs a password login')
  );
}

/** The id of one of your bots, by its username (for `--bot`). */
export async function botIdOf(
  pigeon: PigeonClient,
  username: string | undefined,
): Promise<string | undefined> {
  if (username === undefined) return undefined;
  const wanted = username.replace(/^@/, '').toLowerCase();
  const bot = (await pigeon.bots.list.query()).find((b) => b.username.toLowerCase() === wanted);
  if (!bot) throw new CliError(`You have no bot named ${username}.`);
  return bot.id;
}
