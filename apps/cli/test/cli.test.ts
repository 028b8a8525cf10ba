import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer } from './live-server';
import { runCli, startCli } from './run-cli';

const PASSWORD = 'correct horse battery';

let server: Awaited<ReturnType<typeof startLiveServer>>;
const homes: string[] = [];
const clients: PigeonClient[] = [];

beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$close()));
  await server.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** A registered user, with a typed client of their own and a config folder for `pigeon`. */
async function newUser(prefix: string) {
  const client = createPigeonClient({ url: server.url, retryDelayMs: () => 200 });
  clients.push(client);
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const { user } = await client.auth.register.mutate({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  });
  const home = mkdtempSync(join(tmpdir(), 'pigeon-cli-home-'));
  homes.push(home);
  return { client, id: user.id, username, home };
}

async function loggedIn(prefix: string) {
  const user = await newUser(prefix);
  const result = await runCli(
    ['login', server.url, user.username, '--password-stdin'],
    user.home,
    `${PASSWORD}\n`,
  );
  expect(result).toMatchObject({ code: 0 });
  return user;
}

async function befriend(a: { client: PigeonClient; username: string }, b: { client: PigeonClient }) {
  const { request } = await b.client.friends.request.mutate({ username: a.username });
  await a.client.friends.accept.mutate({ requestId: request.id });
}

describe('pigeon login', () => {
  it('saves the session in $XDG_CONFIG_HOME/pigeon, readable by its owner only', async () => {
    const user = await newUser('login');
    const result = await runCli(
      ['login', server.url, user.username, '--password-stdin'],
      user.home,
      `${PASSWORD}\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Logged in as ${user.username}`);
    const file = join(user.home, 'pigeon', 'session.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(user.home, 'pigeon')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      server: string;
      session: { user: { id: string } };
    };
    expect(saved.server).toBe(`${server.url}/`);
    expect(saved.session.user.id).toBe(user.id);
  });

  it('refuses a wrong password with the server’s sentence and saves nothing', async () => {
    const user = await newUser('wrong');
    const result = await runCli(
      ['login', server.url, user.username, '--password-stdin'],
      user.home,
      'nope nope nope\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Wrong username or password.');
    expect(() => statSync(join(user.home, 'pigeon', 'session.json'))).toThrow();
  });

  it('logs in with a bearer token from standard input instead of a password', async () => {
    const user = await newUser('token');
    const token = user.client.$session.get()?.accessToken ?? '';
    const result = await runCli(['login', server.url, '--token-stdin'], user.home, `${token}\n`);
    expect(result.stdout).toContain(`Logged in as ${user.username} with a token.`);
    const file = join(user.home, 'pigeon', 'session.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      server: `${server.url}/`,
      token,
      user: { id: user.id, username: user.username, displayName: null, isBot: false, avatarUrl: null },
    });
    expect(await runCli(['friends'], user.home)).toMatchObject({ code: 0 });

    const refused = await runCli(['login', server.url, '--token-stdin'], user.home, 'pgn_not_a_token\n');
    expect(refused.code).toBe(1);
    // The saved login is left as it was.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ token });
  });

  it('tells a user who has not logged in what to do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pigeon-cli-home-'));
    homes.push(home);
    const result = await runCli(['friends'], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Not logged in. Run `pigeon login');
  });
});

describe('pigeon send, friends and search', () => {
  it('sends to a friend by username; refuses someone who is not a friend', async () => {
    const alice = await loggedIn('alice');
    const bob = await newUser('bob');
    const stranger = await newUser('stranger');
    await befriend(alice, bob);

    const sent = await runCli(['send', bob.username, 'hello', 'from', 'the', 'terminal'], alice.home);
    expect(sent).toMatchObject({ code: 0 });
    const [conversation] = await bob.client.conversations.list.query();
    expect(conversation?.lastMessage?.body).toBe('hello from the terminal');

    const refused = await runCli(['send', stranger.username, 'hi'], alice.home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `"${stranger.username}" is neither one of your friends nor one of your groups.`,
    );

    const byId = await runCli(['send', conversation?.id ?? '', 'by id'], alice.home);
    expect(byId).toMatchObject({ code: 0 });
  });

  it('lists friends and requests, adds a friend, finds people and messages', async () => {
    const carol = await loggedIn('carol');
    const dave = await newUser('dave');
    const erin = await newUser('erin');
    await erin.client.friends.request.mutate({ username: carol.username });

    const added = await runCli(['friends', 'add', dave.username], carol.home);
    expect(added.stdout).toContain(`Asked ${dave.username}`);
    const accepted = await runCli(['friends', 'add', erin.username], carol.home);
    expect(accepted.stdout).toContain(`You and ${erin.username} are friends now.`);

    const listed = await runCli(['friends'], carol.home);
    expect(listed.stdout.split('\n')).toEqual([erin.username, `${dave.username} (asked, no answer yet)`, '']);

    const found = await runCli(['search', dave.username.slice(0, 9)], carol.home);
    expect(found.stdout.split('\n')).toContain(dave.username);

    await runCli(['send', erin.username, 'the quarterly pelican report'], carol.home);
    const messages = await runCli(['search', '--messages', 'pelican'], carol.home);
    expect(messages.stdout).toContain('the quarterly pelican report');
    const none = await runCli(['search', '--messages', 'albatross'], carol.home);
    expect(none.stdout).toBe('No messages found.\n');
  });
});

describe('pigeon tail', () => {
  it('prints messages as they arrive and, across a server restart, each exactly once', async () => {
    const frank = await loggedIn('frank');
    const grace = await newUser('grace');
    await befriend(frank, grace);
    const { id: conversationId } = await grace.client.conversations.open.mutate({ userId: frank.id });
    const say = (body: string) =>
      grace.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });

    const tail = startCli(['tail'], frank.home);
    try {
      await tail.until('the stream to go live', ({ stderr }) => stderr.includes('Following'));
      await say('before the restart');
      await tail.until('the first message', ({ stdout }) => stdout.includes('before the restart'));

      await server.stop();
      await server.start();
      // Sent at once: most likely before tail is back, so it must come from the replay.
      await say('while tail was away');
      await tail.until(
        'the resume',
        ({ stderr }) => stderr.includes('Reconnected; resumed after event'),
        60_000,
      );
      await say('after the restart');
      await tail.until('the last message', ({ stdout }) => stdout.includes('after the restart'));
    } finally {
      tail.interrupt();
    }
    const result = await tail.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Connection lost; reconnecting…');
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      `@${grace.username} ${grace.username}: before the restart`,
      `@${grace.username} ${grace.username}: while tail was away`,
      `@${grace.username} ${grace.username}: after the restart`,
    ]);
  });

  it('with --json and --since, replays what came after an event id', async () => {
    const heidi = await loggedIn('heidi');
    const ivan = await newUser('ivan');
    await befriend(heidi, ivan);
    const { id: conversationId } = await ivan.client.conversations.open.mutate({ userId: heidi.id });
    const first = startCli(['tail', '--json'], heidi.home);
    await first.until('the stream to go live', ({ stdout }) => stdout.includes('stream.live'));
    first.interrupt();
    await first.exited;
    const live = JSON.parse(first.stdout().trim().split('\n').at(-1) ?? '{}') as { id: string };

    for (const body of ['one', 'two']) {
      await ivan.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
    }
    const again = startCli(['tail', '--json', '--since', live.id], heidi.home);
    await again.until('the replay', ({ stdout }) => stdout.includes('stream.live'));
    again.interrupt();
    const { stdout } = await again.exited;
    const bodies = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: { type: string; message?: { body: string } } })
      .flatMap(({ event }) =>
        event.type === 'message.created' && event.message ? [event.message.body] : [],
      );
    expect(bodies).toEqual(['one', 'two']);
  });
});

describe('pigeon token', () => {
  it('creates (printing the secret once), lists and revokes API tokens, for you and for your bot', async () => {
    const judy = await loggedIn('judy');
    const created = await runCli(['token', 'create', 'backup', '--read', '--expires', '30'], judy.home);
    expect(created).toMatchObject({ code: 0 });
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^pgn_[A-Za-z0-9_-]{43}$/);

    const listed = await runCli(['token', 'list'], judy.home);
    expect(listed.stdout).toContain('backup  read');
    expect(listed.stdout).not.toContain(secret.slice(8));
    const [id] = listed.stdout.trim().split(/\s+/);

    // The secret works as a bearer token, and logging in with it gives a read-only `pigeon`.
    const other = mkdtempSync(join(tmpdir(), 'pigeon-cli-home-'));
    homes.push(other);
    expect(await runCli(['login', server.url, '--token-stdin'], other, `${secret}\n`)).toMatchObject({
      code: 0,
    });
    expect((await runCli(['friends'], other)).code).toBe(0);
    // A token cannot make tokens: that needs a password login.
    const refused = await runCli(['token', 'list'], other);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Only a logged-in session can do this');

    expect(await runCli(['token', 'revoke', id ?? ''], judy.home)).toMatchObject({ code: 0 });
    expect((await runCli(['token', 'list'], judy.home)).stdout).toContain('No API tokens.');
    expect((await runCli(['friends'], other)).code).not.toBe(0);

    const bot = await judy.client.bots.create.mutate({ username: `jbot_${randomBytes(3).toString('hex')}` });
    const botToken = await runCli(['token', 'create', 'bot key', '--bot', bot.username], judy.home);
    expect(botToken).toMatchObject({ code: 0 });
    expect((await runCli(['token', 'list', '--bot', bot.username], judy.home)).stdout).toContain(
      'bot key  write',
    );
    const nobot = await runCli(['token', 'list', '--bot', 'nobody_here'], judy.home);
    expect(nobot.stderr).toContain('You have no bot named nobody_here.');
  });
});
