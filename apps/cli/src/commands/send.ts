import { randomUUID } from 'node:crypto';
import type { PigeonClient } from '@pigeon/client';
import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { CliError } from '../errors';
import { print } from '../output';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A conversation id as it is, a friend's username (their 1:1 conversation) or a group's name. */
async function conversationOf(pigeon: PigeonClient, to: string): Promise<string> {
  if (UUID.test(to)) return to;
  const name = to.replace(/^@/, '').toLowerCase();
  const friend = (await pigeon.friends.list.query()).find((f) => f.username.toLowerCase() === name);
  if (friend) return (await pigeon.conversations.open.mutate({ userId: friend.id })).id;
  const groups = (await pigeon.conversations.list.query()).filter(
    (c) => c.kind === 'group' && c.name?.toLowerCase() === to.toLowerCase(),
  );
  if (groups.length === 1 && groups[0]) return groups[0].id;
  if (groups.length > 1) throw new CliError(`Several groups are called "${to}": give the conversation id.`);
  throw new CliError(`"${to}" is neither one of your friends nor one of your groups.`);
}

export const send: CommandModule = (program) => {
  program
    .command('send')
    .description('send a message to a friend (by username), a group (by name) or a conversation (by id)')
    .argument('<to>', 'username, group name or conversation id')
    .argument('<text...>', 'the message; several words are joined with spaces')
    .action(async (to: string, words: string[]) => {
      const { pigeon } = loggedInClient();
      const conversationId = await conversationOf(pigeon, to);
      // One id for this message: were the call retried, the server would store it once.
      const message = await pigeon.messages.send.mutate({
        conversationId,
        body: words.join(' '),
        clientId: randomUUID(),
      });
      print(`Sent (message ${message.id}).`);
    });
};
