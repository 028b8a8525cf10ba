// An echo bot: accepts every friend request and answers each message with its echo.
// Run: PIGEON_URL=http://127.0.0.1:3000 pnpm --filter @pigeon/example-echo-bot start
//
// It keeps its place in the event stream in a file (BOT_STATE_FILE), so after a restart it
// answers what arrived while it was down — each message once: the place is saved after each
// event, and an answer's clientId comes from the message it answers, so an event handled twice
// (a crash between answering and saving) makes the server return the stored answer, not a new one.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createPigeonClient, type StreamItem } from '@pigeon/client';
import WebSocket from 'ws';

const url = process.env.PIGEON_URL ?? 'http://127.0.0.1:3000';
const username = process.env.BOT_USERNAME ?? 'echo_bot';
const password = process.env.BOT_PASSWORD ?? 'echo-bot-password';
const stateFile = process.env.BOT_STATE_FILE ?? 'echo-bot-state.json';

interface State {
  /** The last event handled; null before the first run. */
  lastEventId: string | null;
}

async function loadState(): Promise<State> {
  const text = await readFile(stateFile, 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as State) : { lastEventId: null };
}

async function saveState(state: State): Promise<void> {
  // Whole or not at all: a crash mid-write must not leave half a file.
  await writeFile(`${stateFile}.tmp`, JSON.stringify(state));
  await rename(`${stateFile}.tmp`, stateFile);
}

/** The same UUID for the same message, every time (RFC 9562 version 8: custom). */
function answerIdFor(messageId: number): string {
  const hex = createHash('sha256').update(`echo-bot:${messageId}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const pigeon = createPigeonClient({ url, WebSocket });
const { user } = await pigeon.auth.login
  .mutate({ username, password })
  .catch(() => pigeon.auth.register.mutate({ username, email: `${username}@bots.invalid`, password }));

const accept = (requestId: string) => pigeon.friends.accept.mutate({ requestId });
for (const request of (await pigeon.friends.requests.query()).incoming) await accept(request.id);

async function handle(event: StreamItem) {
  if (event.type === 'stream.live') console.log(`${user.username} is listening on ${url}`);
  if (event.type === 'friend.request_received') await accept(event.request.id).catch(() => undefined);
  if (event.type === 'message.created' && event.message.senderId !== user.id) {
    const { id, conversationId, body } = event.message;
    await pigeon.messages.send.mutate({ conversationId, body: `echo: ${body}`, clientId: answerIdFor(id) });
  }
}

const state = await loadState();
// One event at a time, in stream order, each saved once handled.
let queue = Promise.resolve();
const subscription = pigeon.events.subscribe.subscribe(
  { lastEventId: state.lastEventId },
  {
    onData: ({ id, data }) => {
      queue = queue
        .then(() => handle(data))
        .catch((err: unknown) => console.error('could not answer:', err))
        .then(() => saveState({ lastEventId: id }));
    },
    onError: (err) => console.error('event stream failed:', err.message),
  },
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    subscription.unsubscribe();
    void queue.then(() => pigeon.$close()).then(() => process.exit(0));
  });
}
