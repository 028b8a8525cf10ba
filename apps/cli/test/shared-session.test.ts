import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLiveServer } from './live-server';
import { runCli, startCli } from './run-cli';

// Access tokens that live 30 s, inside the client's 30 s refresh margin: every process refreshes
// on its first call, so the refresh tokens in the shared file rotate under a running `tail`.
let server: Awaited<ReturnType<typeof startLiveServer>>;
const home = mkdtempSync(join(tmpdir(), 'pigeon-cli-home-'));
const clients: PigeonClient[] = [];

beforeAll(async () => {
  server = await startLiveServer({ ACCESS_TOKEN_TTL_SECONDS: '30' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$close()));
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

async function newUser(prefix: string) {
  const client = createPigeonClient({ url: server.url });
  clients.push(client);
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = 'correct horse battery';
  const { user } = await client.auth.register.mutate({
    username,
    email: `${username}@example.com`,
    password,
  });
  return { client, id: user.id, username, password };
}

it('keeps one saved session alive while several pigeon processes refresh it', async () => {
  const me = await newUser('me');
  const [ann, ben] = [await newUser('ann'), await newUser('ben')];
  for (const friend of [ann, ben]) {
    const { request } = await friend.client.friends.request.mutate({ username: me.username });
    await me.client.friends.accept.mutate({ requestId: request.id });
  }
  await runCli(['login', server.url, me.username, '--password-stdin'], home, `${me.password}\n`);
  const refreshTokenInFile = () =>
    (
      JSON.parse(readFileSync(join(home, 'pigeon', 'session.json'), 'utf8')) as {
        session: { refreshToken: string };
      }
    ).session.refreshToken;

  const tail = startCli(['tail'], home);
  try {
    await tail.until('the stream', ({ stderr }) => stderr.includes('Following'));
    const held = refreshTokenInFile();
    // Another process refreshes meanwhile: the refresh token `tail` read is used up.
    expect(await runCli(['send', ann.username, 'from another terminal'], home)).toMatchObject({ code: 0 });
    expect(refreshTokenInFile()).not.toBe(held);

    // A conversation `tail` has not seen makes it fetch names, and so refresh its token too.
    const { id: conversationId } = await ben.client.conversations.open.mutate({ userId: me.id });
    await ben.client.messages.send.mutate({ conversationId, body: 'hello there', clientId: randomUUID() });
    await tail.until('ben’s message', ({ stdout }) => stdout.includes('hello there'));
    expect(tail.stdout()).toContain(`@${ben.username} ${ben.username}: hello there`);
  } finally {
    tail.interrupt();
  }
  const ended = await tail.exited;
  expect(ended.stderr).not.toContain('session has ended');
  // The session survived both: a new process still gets in.
  const friends = await runCli(['friends'], home);
  expect(friends.code).toBe(0);
  expect(friends.stdout).toContain(ann.username);
});
