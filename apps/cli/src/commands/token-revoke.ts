import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { print } from '../output';
import { tokenCommand } from './token-group';

/** `pigeon token revoke <id>`: the token stops at once, and its connections close. */
export const tokenRevoke: CommandModule = (program) => {
  tokenCommand(program)
    .command('revoke')
    .description('revoke an API token (yours or your bot’s) by its id, from `pigeon token list`')
    .argument('<id>')
    .action(async (id: string) => {
      const { pigeon } = loggedInClient();
      await pigeon.tokens.revoke.mutate({ tokenId: id });
      print('Revoked.');
    });
};
