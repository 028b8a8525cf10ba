// An echo bot: accepts every friend request and answers each message with its echo.
// Run: PIGEON_URL=http://127.0.0.1:3000 pnpm --filter @pigeon/example-echo-bot start
import { randomUUID } from 'node:crypto';
import { createPigeonClient, type StreamItem } from '@pigeon/client';
import WebSocket from 'ws';

const url = process.env.PIGEON_URL ?? 'http://127.0.0.1:3000';
const username = process.env.BOT_USERNAME ?? 'echo_bot';
const password = process.env.BOT_PASSWORD ?? 'echo-bot-password';

const pigeon = createPigeonClient({ url, WebSocket });
const { user } = await pigeon.auth.login
  .mutate({ username, password })
  .catch(() => pigeon.auth.register.mutate({ username, email: `${username}@bots.invalid`, password }));

const accept = (requestId: string) => pigeon.friends.accept.mutate({ requestId });
for (const request of (await pigeon.friends.requests.query()).incoming) await accept(request.id);

async function handle(event: StreamItem) {
  if (event.type === 'stream.live') console.log(`${user.username} is listening on ${url}`);
  if (event.type === 'friend.request_received') await accept(event.request.id);
  if (event.type === 'message.created' && event.message.senderId !== user.id) {
    const { conversationId, body } = event.message;
    await pigeon.messages.send.mutate({ conversationId, body: `echo: ${body}`, clientId: randomUUID() });
  }
}

const subscription = pigeon.events.subscribe.subscribe(
  { lastEventId: null },
  {
    onData: ({ data }) => void handle(data).catch((err: unknown) => console.error('could not answer:', err)),
    onError: (err) => console.error('event stream failed:', err.message),
  },
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    subscription.unsubscribe();
    void pigeon.$close().then(() => process.exit(0));
  });
}
