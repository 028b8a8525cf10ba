import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectEvents, newClientId, useTestServer } from './harness';

const botEntry = fileURLToPath(new URL('../../../examples/echo-bot/src/bot.ts', import.meta.url));
const botDir = fileURLToPath(new URL('../../../examples/echo-bot/', import.meta.url));

describe('the example echo bot', () => {
  const t = useTestServer('embedded');

  it('runs as its own process, accepts a friend request and echoes messages', async () => {
    const botName = `echo_${newClientId().slice(0, 8)}`;
    const bot = spawn(process.execPath, ['--import', 'tsx', botEntry], {
      cwd: botDir,
      env: { ...process.env, PIGEON_URL: t.url, BOT_USERNAME: botName, BOT_PASSWORD: 'echo bot password' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('is listening')) {
        if (Date.now() > deadline) throw new Error(`bot did not start: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const me = await t.user('human');
      const stream = collectEvents(me.client);
      await stream.live();
      await me.client.friends.request.mutate({ username: botName });
      await stream.until(
        () => stream.events().some((e) => e.type === 'friend.added'),
        10_000,
        'the bot to accept',
      );
      const added = stream.events().find((e) => e.type === 'friend.added');
      if (added?.type !== 'friend.added') throw new Error('no friend.added event');
      const conversation = await me.client.conversations.open.mutate({ userId: added.friend.id });
      await me.client.messages.send.mutate({
        conversationId: conversation.id,
        body: 'ping',
        clientId: newClientId(),
      });
      await stream.until(() => stream.messages().some((m) => m.body === 'echo: ping'), 10_000, 'the echo');
      stream.unsubscribe();
    } finally {
      bot.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => bot.once('exit', resolve));
    expect(code).toBe(0);
  });
});
