import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { print } from '../output';

export const search: CommandModule = (program) => {
  program
    .command('search')
    .description('find people by the start of their username, or your messages by their words')
    .argument('<query>')
    .option('-m, --messages', 'search the text of your conversations instead of usernames')
    .action(async (query: string, options: { messages?: boolean }) => {
      const { pigeon } = loggedInClient();
      if (options.messages) {
        const { results } = await pigeon.messages.search.query({ query });
        if (results.length === 0) print('No messages found.');
        for (const { message } of results)
          print(`${message.createdAt} ${message.conversationId}: ${message.body}`);
        return;
      }
      const { users } = await pigeon.users.search.query({ query });
      if (users.length === 0) print('Nobody found.');
      for (const user of users) print(user.username);
    });
};
