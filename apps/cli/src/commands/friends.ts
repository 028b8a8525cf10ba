import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { print } from '../output';

export const friends: CommandModule = (program) => {
  const command = program
    .command('friends')
    .description('list your friends and pending friend requests')
    .action(async () => {
      const { pigeon } = loggedInClient();
      const [list, requests] = await Promise.all([
        pigeon.friends.list.query(),
        pigeon.friends.requests.query(),
      ]);
      if (list.length === 0) print('No friends yet. Add one with `pigeon friends add <username>`.');
      for (const friend of list) print(friend.username);
      for (const request of requests.incoming) print(`${request.from.username} (asks to be your friend)`);
      for (const request of requests.outgoing) print(`${request.to.username} (asked, no answer yet)`);
    });

  command
    .command('add')
    .description('ask someone to be your friend (or accept their request)')
    .argument('<username>')
    .action(async (username: string) => {
      const { pigeon } = loggedInClient();
      const { request } = await pigeon.friends.request.mutate({ username: username.replace(/^@/, '') });
      print(
        request.status === 'accepted'
          ? `You and ${username} are friends now.`
          : `Asked ${username}; you are friends once they accept.`,
      );
    });
};
