import type { StreamItem } from '@pigeon/client';
import { loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { Directory } from '../directory';
import { CliError, describeError } from '../errors';
import { messageLine, note, print } from '../output';

interface TailOptions {
  since?: string;
  json?: boolean;
}

export const tail: CommandModule = (program) => {
  program
    .command('tail')
    .description('follow your messages as they arrive (Ctrl-C to stop); resumes where it was after a drop')
    .option('--since <event-id>', 'first print what arrived after this event id')
    .option('--json', 'print every event as one line of JSON, with its id')
    .action(async (options: TailOptions) => {
      if (options.since !== undefined && !/^\d{1,15}$/.test(options.since)) {
        throw new CliError('--since takes an event id (a number printed by `pigeon tail --json`).');
      }
      let dropped = false;
      const { pigeon, server, me } = loggedInClient({
        onConnectionStateChange(state) {
          if (state === 'reconnecting' && !dropped) {
            dropped = true;
            note('Connection lost; reconnecting…');
          }
        },
      });
      const directory = new Directory(pigeon, me);
      await directory.refresh();

      // The id of the last event printed: tRPC resends it when the socket reconnects, and a
      // stream that failed outright is opened again after it, so nothing is missed or repeated.
      let lastEventId: string | null = options.since ?? null;
      let failures = 0;

      const show = async (id: string, item: StreamItem) => {
        if (item.type === 'stream.live') {
          note(
            dropped
              ? `Reconnected; resumed after event ${id}.`
              : `Following ${server} as ${me.username} (Ctrl-C to stop).`,
          );
          dropped = false;
          failures = 0;
        }
        if (options.json) print(JSON.stringify({ id, event: item }));
        else if (item.type === 'message.created') {
          const { where, sender } = await directory.namesFor(item.message);
          print(messageLine(item.message, where, sender));
        } else if (item.type === 'friend.request_received') {
          print(
            `${item.request.from.username} asks to be your friend (\`pigeon friends add ${item.request.from.username}\` accepts).`,
          );
        }
      };

      let printing = Promise.resolve();
      let current: { unsubscribe(): void } | undefined;
      const follow = () => {
        current = pigeon.events.subscribe.subscribe(
          { lastEventId },
          {
            onData({ id, data }) {
              lastEventId = id;
              // One at a time, so lines keep the stream's order while names are fetched.
              printing = printing
                .then(() => show(id, data))
                .catch((err: unknown) => note(describeError(err)));
            },
            onError(err) {
              const code = (err.data as { code?: string } | undefined)?.code;
              if (code === 'UNAUTHORIZED') {
                note('The session has ended: run `pigeon login` again.');
                process.exitCode = 1;
                void stop();
                return;
              }
              failures += 1;
              const delay = Math.min(30_000, 500 * 2 ** failures);
              note(
                `The event stream failed (${describeError(err)}); trying again in ${Math.round(delay / 1000)} s.`,
              );
              dropped = true;
              setTimeout(follow, delay);
            },
          },
        );
      };

      let stopped: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      const stop = async () => {
        current?.unsubscribe();
        await printing;
        await pigeon.$close();
        stopped();
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      follow();
      await done;
    });
};
