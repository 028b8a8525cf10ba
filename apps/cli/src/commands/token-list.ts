import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { print } from '../output';
import { botIdOf, tokenCommand } from './token-group';

/** `pigeon token list`: one line per live token (never a secret). */
export const tokenList: CommandModule = (program) => {
  tokenCommand(program)
    .command('list')
    .description('list your API tokens (or a bot’s): id, name, access, expiry, last use')
    .option('--bot <username>', 'the tokens of one of your bots')
    .action(async (options: { bot?: string }) => {
      const { pigeon } = loggedInClient();
      const botId = await botIdOf(pigeon, options.bot);
      const tokens = await pigeon.tokens.list.query(botId === undefined ? undefined : { botId });
      if (tokens.length === 0) print('No API tokens.');
      for (const t of tokens) {
        const expires = t.expiresAt ? `expires ${t.expiresAt}` : 'never expires';
        const used = t.lastUsedAt ? `last used ${t.lastUsedAt}` : 'never used';
        print(`${t.id}  ${t.name}  ${t.scope}  ${t.hint}…  ${expires}  ${used}`);
      }
    });
};
