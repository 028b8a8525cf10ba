import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { CliError } from '../errors';
import { print } from '../output';
import { botIdOf, tokenCommand } from './token-group';

interface CreateOptions {
  read?: boolean;
  expires?: string;
  bot?: string;
}

/** `pigeon token create <name>`: prints the secret, shown this once, alone on stdout (for pipes). */
export const tokenCreate: CommandModule = (program) => {
  tokenCommand(program)
    .command('create')
    .description('make an API token and print its secret (shown only this once)')
    .argument('<name>', 'what the token is for')
    .option('--read', 'read only: no sends or other changes')
    .option('--expires <days>', 'expire after this many days (default: never)')
    .option('--bot <username>', 'a token for one of your bots instead of for you')
    .action(async (name: string, options: CreateOptions) => {
      const days = options.expires === undefined ? null : Number(options.expires);
      if (days !== null && !Number.isInteger(days))
        throw new CliError('--expires takes a whole number of days.');
      const { pigeon } = loggedInClient();
      const botId = await botIdOf(pigeon, options.bot);
      const { secret } = await pigeon.tokens.create.mutate({
        name,
        scope: options.read ? 'read' : 'write',
        expiresInDays: days,
        ...(botId === undefined ? {} : { botId }),
      });
      print(secret);
    });
};
