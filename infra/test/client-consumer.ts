// The project of a developer outside this repository, written into a temporary folder by
// client-package.test.ts: a bot, an HTTP-only script, a browser page, and three tsconfigs.

/** The strictest flags a consumer is likely to have, on top of `strict`. */
const strictFlags = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  target: 'ES2022',
  lib: ['ES2022'],
  types: ['node'],
  // tRPC's own declarations (`@trpc/server/adapters/ws`) do not compile against @types/ws,
  // which a Node 20 bot installs; see README ("Using @pigeon/client outside this repository").
  skipLibCheck: true,
};

export const tsconfigs = {
  bundler: { module: 'ESNext', moduleResolution: 'bundler' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
} as const;

export function tsconfig(resolution: keyof typeof tsconfigs, overrides: Record<string, unknown> = {}) {
  return {
    compilerOptions: { ...strictFlags, ...tsconfigs[resolution], outDir: 'out', ...overrides },
    include: ['bot.ts', 'http-only.ts'],
  };
}

/** The echo bot of the README, as a developer would write it in Node 20. */
export const bot = `import { randomUUID } from 'node:crypto';
import { createPigeonClient, type StreamItem } from '@pigeon/client';
import WebSocket from 'ws';

const url = process.env['PIGEON_URL'] ?? 'http://127.0.0.1:3000';
const pigeon = createPigeonClient({ url, WebSocket });
const { user } = await pigeon.auth.login.mutate({
  username: process.env['BOT_USERNAME'] ?? 'echo_bot',
  password: process.env['BOT_PASSWORD'] ?? '',
});

async function handle(item: StreamItem): Promise<void> {
  if (item.type === 'stream.live') console.log(\`\${user.username} is listening\`);
  if (item.type === 'friend.request_received') await pigeon.friends.accept.mutate({ requestId: item.request.id });
  if (item.type === 'message.created' && item.message.senderId !== user.id) {
    const { conversationId, body } = item.message;
    await pigeon.messages.send.mutate({ conversationId, body: \`echo: \${body}\`, clientId: randomUUID() });
  }
}

pigeon.events.subscribe.subscribe(
  { lastEventId: null },
  {
    onData: ({ data }) => void handle(data).catch((err: unknown) => console.error(err)),
    onError: (err) => console.error('stream failed:', err.message, err.data?.code),
  },
);
process.once('SIGTERM', () => void pigeon.$close().then(() => process.exit(0)));
`;

/** Queries and mutations only: no WebSocket class given, and Node 20 has no global one. */
export const httpOnly = `import { createPigeonClient, TRPCClientError } from '@pigeon/client';

const pigeon = createPigeonClient({ url: process.env['PIGEON_URL'] ?? 'http://127.0.0.1:3000' });
await pigeon.auth.login.mutate({
  username: process.env['BOT_USERNAME'] ?? 'echo_bot',
  password: process.env['BOT_PASSWORD'] ?? '',
});
const me = await pigeon.auth.me.query();
try {
  await pigeon.friends.request.mutate({ username: me.username });
} catch (err) {
  if (err instanceof TRPCClientError) console.log(\`refused: \${String(err.message)}\`);
}
console.log(\`me: \${me.username}, has global WebSocket: \${String('WebSocket' in globalThis)}\`);
`;

export const browserPage = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Pigeon client in a browser</title></head>
  <body><p id="out"></p><script type="module" src="/main.js"></script></body>
</html>
`;

export const browserMain = `import { createPigeonClient, limits } from '@pigeon/client';

const pigeon = createPigeonClient({ url: location.origin });
document.getElementById('out').textContent =
  'messages up to ' + limits.messageBody.max + ' characters; ' + typeof pigeon.auth.login.mutate;
`;
