import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvents, newClientId, useTestServer } from './harness';

const botEntry = fileURLToPath(new URL('../../../examples/echo-bot/src/bot.ts', import.meta.url));
const botDir = fileURLToPath(new URL('../../../examples/echo-bot/', import.meta.url));

describe('the example echo bot', () => {
  const t = useTestServer('embedded');
  const stateDir = mkdtempSync(join(tmpdir(), 'pigeon-echo-bot-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  /** Starts the bot as its own process and waits until its stream is live. */
  async function startBot(env: Record<string, string>) {
    const bot = spawn(process.execPath, ['--import', 'tsx', botEntry], {
      cwd: botDir,
      env: { ...process.env, PIGEON_URL: t.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bot.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!output.includes('is listening')) {
      if (Date.now() > deadline || bot.exitCode !== null) throw new Error(`bot did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      output: () => output,
      stop: async () => {
        bot.kill('SIGTERM');
        return exited;
      },
    };
  }

  it('accepts a friend request, echoes, and after a restart answers what came meanwhile, once each', async () => {
    const botName = `echo_${newClientId().slice(0, 8)}`;
    const stateFile = join(stateDir, `${botName}.json`);
    const env = { BOT_USERNAME: botName, BOT_PASSWORD: 'echo bot password', BOT_STATE_FILE: stateFile };
    let bot = await startBot(env);

    const me = await t.user('human');
    const stream = collectEvents(me.client);
    await stream.live();
    const echoes = (body: string) =>
      stream.messages().filter((m) => m.senderId !== me.id && m.body === `echo: ${body}`).length;
    const send = (conversationId: string, body: string) =>
      me.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });
    try {
      await me.client.friends.request.mutate({ username: botName });
      await stream.until(
        () => stream.events().some((e) => e.type === 'friend.added'),
        10_000,
        'the bot to accept',
      );
      const added = stream.events().find((e) => e.type === 'friend.added');
      if (added?.type !== 'friend.added') throw new Error('no friend.added event');
      const { id: conversationId } = await me.client.conversations.open.mutate({ userId: added.friend.id });
      await send(conversationId, 'ping');
      await stream.until(() => echoes('ping') === 1, 10_000, 'the echo');

      expect(await bot.stop()).toBe(0);
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { lastEventId: string | null };
      expect(saved.lastEventId).toMatch(/^\d+$/);

      // Sent while the bot is down: nobody is listening for it.
      await send(conversationId, 'are you there?');
      await send(conversationId, 'hello again');
      bot = await startBot(env);
      await stream.until(
        () => echoes('are you there?') === 1 && echoes('hello again') === 1,
        15_000,
        'the echoes of what came while the bot was down',
      );
      await send(conversationId, 'live again');
      await stream.until(() => echoes('live again') === 1, 10_000, 'a live echo after the restart');
      // Nothing answered twice, the first ping included.
      expect(['ping', 'are you there?', 'hello again', 'live again'].map(echoes)).toEqual([1, 1, 1, 1]);
      stream.unsubscribe();
    } finally {
      expect(await bot.stop()).toBe(0);
    }
  }, 60_000);
});
