import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createPigeonClient,
  uploadAttachment,
  type Message,
  type PigeonClient,
  type StreamItem,
} from '@pigeon/client';
import { errorCode } from '@pigeon/test-utils';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Cluster } from '../src/cluster';
import { httpOk, waitFor } from '../src/ports';
import { startFaultRig, type FaultRig } from './fault-rig';

const adminUrl = process.env.DATABASE_URL;
const hasNginx = spawnSync('nginx', ['-v']).status === 0;
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

describe.runIf(adminUrl && hasNginx && hasRedis)('three instances behind NGINX, under faults', () => {
  let cluster: Cluster;
  let rig: FaultRig;
  const clients: PigeonClient[] = [];

  const client = (url = cluster.url) => {
    const c = createPigeonClient({ url, WebSocket, retryDelayMs: () => 100 });
    clients.push(c);
    return c;
  };

  async function user(url?: string) {
    const c = client(url);
    const username = `u_${randomBytes(5).toString('hex')}`;
    const session = await c.auth.register.mutate({
      username,
      email: `${username}@example.com`,
      password: 'cluster password',
    });
    return { client: c, id: session.user.id, username };
  }

  /** Two friends with their conversation open; each on the given instance, else through NGINX. */
  async function pair(urls: { a?: string | undefined; b?: string | undefined } = {}) {
    const a = await user(urls.a);
    const b = await user(urls.b);
    const { request } = await a.client.friends.request.mutate({ userId: b.id });
    await b.client.friends.accept.mutate({ requestId: request.id });
    const conversation = await a.client.conversations.open.mutate({ userId: b.id });
    return { a, b, conversationId: conversation.id };
  }

  function listen(c: PigeonClient) {
    const items: StreamItem[] = [];
    const sub = c.events.subscribe.subscribe(
      { lastEventId: null },
      { onData: ({ data }) => items.push(data) },
    );
    return {
      items,
      messages: () => items.flatMap((i) => (i.type === 'message.created' ? [i.message] : [])),
      lives: () => items.filter((i) => i.type === 'stream.live').length,
      stop: () => sub.unsubscribe(),
    };
  }

  /** Sends until acknowledged, retrying with the same clientId: what a careful client does. */
  async function sendSurely(c: PigeonClient, conversationId: string, body: string): Promise<Message> {
    const clientId = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        return await c.messages.send.mutate({ conversationId, body, clientId });
      } catch (err) {
        if (attempt > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function metric(url: string, name: string): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  }

  beforeAll(async () => {
    rig = await startFaultRig(adminUrl ?? '');
    cluster = rig.cluster;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$close()));
    await rig.close();
  }, 60_000);

  it('migrated exactly once although the three instances started together', async () => {
    const sql = postgres(rig.databaseUrl, { max: 1, onnotice: () => undefined });
    const rows = await sql`select hash from drizzle.__drizzle_migrations`;
    await sql.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.hash as string)).size).toBe(rows.length);
  });

  it('lets the browser app call through NGINX from its own origin, port included, and no other', async () => {
    const origin = new URL(cluster.url).origin;
    const call = (from: string) =>
      fetch(`${cluster.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: from },
        body: JSON.stringify({ username: 'nobody_at_all', password: 'wrong password' }),
      });
    expect((await call(origin)).status).toBe(401); // reached the API: a wrong password
    expect((await call('https://evil.example')).status).toBe(403);
    const upgrade = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${cluster.url.replace('http', 'ws')}/trpc`, { headers: { origin } });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(upgrade).toBe(101);
  });

  it('delivers live between clients on different instances', async () => {
    const [one, two] = cluster.instances;
    const { a, b, conversationId } = await pair({ a: one?.url, b: two?.url });
    const stream = listen(b.client);
    await waitFor('live', () => Promise.resolve(stream.lives() > 0), 10_000);
    const sent = await a.client.messages.send.mutate({
      conversationId,
      body: 'across',
      clientId: randomUUID(),
    });
    await waitFor('delivery', () => Promise.resolve(stream.messages().length === 1), 10_000);
    expect(stream.messages()).toEqual([sent]);
    stream.stop();
  });

  it('carries a message with a file across instances once, and every instance serves the file', async () => {
    const [one, two, three] = cluster.instances;
    const { a, b, conversationId } = await pair({ a: one?.url, b: two?.url });
    const stream = listen(b.client);
    await waitFor('live', () => Promise.resolve(stream.lives() > 0), 10_000);

    const bytes = new TextEncoder().encode(`minutes of ${randomUUID()}\n`);
    const attachment = await uploadAttachment(
      { url: one?.url ?? '', client: a.client },
      bytes,
      'minutes.txt',
    );
    const sent = await a.client.messages.send.mutate({
      conversationId,
      body: '',
      clientId: randomUUID(),
      attachmentIds: [attachment.id],
    });
    await waitFor('delivery', () => Promise.resolve(stream.messages().length === 1), 10_000);
    await new Promise((r) => setTimeout(r, 500)); // a second copy would have arrived by now
    expect(stream.messages()).toEqual([sent]);
    expect(sent.attachments.map((f) => f.id)).toEqual([attachment.id]);

    // The bytes live in the shared store: whichever instance a reader reaches serves them.
    const token = await b.client.$session.accessToken();
    for (const url of [two?.url, three?.url, cluster.url]) {
      const res = await fetch(`${url}/api/v1/attachments/${attachment.id}/original`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, url).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
    stream.stop();
  });

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`moves a client off an instance hit by ${signal} with every acknowledged message once, in order`, async () => {
      const { a, b, conversationId } = await pair();
      const stream = listen(b.client);
      await waitFor('live', () => Promise.resolve(stream.lives() > 0), 10_000);
      // Find the instance holding the receiver's socket: the only one with a subscription.
      let victim: Cluster['instances'][number] | undefined;
      for (const instance of cluster.instances) {
        if ((await metric(instance.url, 'pigeon_subscriptions_active')) === 1) victim = instance;
      }
      if (!victim) throw new Error('no instance holds the subscription');

      const acknowledged: Message[] = [];
      const sending = (async () => {
        for (let i = 0; i < 60; i++) acknowledged.push(await sendSurely(a.client, conversationId, `m${i}`));
      })();
      await waitFor('some traffic', () => Promise.resolve(acknowledged.length >= 15), 20_000);
      await victim.stop(signal);
      await sending;
      await waitFor(
        'every message',
        () => Promise.resolve(stream.messages().length >= acknowledged.length),
        30_000,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.messages().map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
      expect(stream.lives()).toBeGreaterThanOrEqual(2); // it did reconnect
      stream.stop();
      await victim.start();
    });
  }

  it('rolls a restart through all three instances under steady traffic with nothing lost or doubled', async () => {
    // An upgrade restarts the instances one at a time (docs/operations.md): each drains on
    // SIGTERM and its clients move to the others while it comes back.
    const pairs = await Promise.all([pair(), pair(), pair(), pair()]);
    const streams = pairs.map(({ b }) => listen(b.client));
    await waitFor('live', () => Promise.resolve(streams.every((s) => s.lives() > 0)), 10_000);
    const acknowledged: Message[][] = pairs.map(() => []);
    let rolling = true;
    const load = pairs.map(async ({ a, conversationId }, i) => {
      for (let n = 0; rolling; n++) {
        acknowledged[i]?.push(await sendSurely(a.client, conversationId, `roll ${i}.${n}`));
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    for (const instance of cluster.instances) {
      await waitFor(
        'traffic before the restart',
        () => Promise.resolve(acknowledged.every((m) => m.length >= 3)),
        20_000,
      );
      const before = acknowledged.map((m) => m.length);
      expect(await instance.stop('SIGTERM')).toBe(0);
      await instance.start();
      // Traffic kept flowing through the restart.
      await waitFor(
        'traffic after the restart',
        () => Promise.resolve(acknowledged.every((m, i) => m.length > (before[i] ?? 0) + 2)),
        20_000,
      );
    }
    rolling = false;
    await Promise.all(load);
    for (const [i, stream] of streams.entries()) {
      const sent = acknowledged[i] ?? [];
      await waitFor('every message', () => Promise.resolve(stream.messages().length >= sent.length), 30_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.messages().map((m) => m.id)).toEqual(sent.map((m) => m.id));
      const { b, conversationId } = pairs[i] as (typeof pairs)[number];
      const history = await b.client.messages.history.query({ conversationId, limit: 100 });
      expect(history.messages.map((m) => m.id).reverse()).toEqual(sent.map((m) => m.id).slice(-100));
      stream.stop();
    }
    expect(acknowledged.flat().length).toBeGreaterThan(40);
  }, 180_000);

  it('keeps a sender whose socket’s instance is killed sending, each message stored once', async () => {
    const { a, b, conversationId } = await pair();
    // The sender's own stream is open, so its sends travel over that socket.
    const own = listen(a.client);
    await waitFor('live', () => Promise.resolve(own.lives() > 0), 10_000);
    let victim: Cluster['instances'][number] | undefined;
    for (const instance of cluster.instances) {
      if ((await metric(instance.url, 'pigeon_subscriptions_active')) === 1) victim = instance;
    }
    if (!victim) throw new Error('no instance holds the subscription');

    const acknowledged: Message[] = [];
    try {
      const sending = (async () => {
        for (let i = 0; i < 60; i++) acknowledged.push(await sendSurely(a.client, conversationId, `s${i}`));
      })();
      await waitFor('some traffic', () => Promise.resolve(acknowledged.length >= 15), 20_000);
      await victim.stop('SIGKILL');
      await sending;
      // A read racing the kill may meet NGINX's 502 once; a careful client reads again.
      let stored: number[] = [];
      await waitFor(
        'the history',
        async () => {
          const history = await b.client.messages.history
            .query({ conversationId, limit: 100 })
            .catch(() => null);
          stored = history ? history.messages.map((m) => m.id).reverse() : [];
          return history !== null;
        },
        10_000,
      );
      expect(stored).toEqual(acknowledged.map((m) => m.id));
      await waitFor(
        'every message',
        () => Promise.resolve(own.messages().length >= acknowledged.length),
        30_000,
      );
      expect(own.messages().map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
    } finally {
      own.stop();
      // Back for the next tests, whatever happened here.
      await victim.start();
    }
  });

  it('delivers messages sent while Redis was down once it is back, none lost or doubled', async () => {
    const { a, b, conversationId } = await pair();
    const stream = listen(b.client);
    await waitFor('live', () => Promise.resolve(stream.lives() > 0), 10_000);
    const before = await sendSurely(a.client, conversationId, 'before');
    await rig.stopRedis();
    const during: Message[] = [];
    for (let i = 0; i < 10; i++) during.push(await sendSurely(a.client, conversationId, `during ${i}`));
    await rig.startRedis();
    const after = await sendSurely(a.client, conversationId, 'after');
    const expected = [before, ...during, after].map((m) => m.id);
    await waitFor('catch-up', () => Promise.resolve(stream.messages().length >= expected.length), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.messages().map((m) => m.id)).toEqual(expected);
    for (const instance of cluster.instances) await waitFor('ready', () => httpOk(`${instance.url}/readyz`));
    stream.stop();
  });

  it('answers presence with SERVICE_UNAVAILABLE while Redis is down, and shows friends online again once it is back', async () => {
    const { a, b } = await pair();
    const tab = randomUUID();
    const statusOfA = async () =>
      (await b.client.presence.list.query()).find((p) => p.userId === a.id)?.status;
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
    expect(await statusOfA()).toBe('online');

    await rig.stopRedis();
    const beat = await a.client.presence.heartbeat
      .mutate({ connectionId: tab, state: 'online' })
      .catch((e: unknown) => e);
    expect(errorCode(beat)).toBe('SERVICE_UNAVAILABLE');
    const list = await b.client.presence.list.query().catch((e: unknown) => e);
    expect(errorCode(list)).toBe('SERVICE_UNAVAILABLE');
    // Those answers are the dependency's failing, not the instances': NGINX keeps them all in.
    expect((await b.client.auth.me.query()).id).toBe(b.id);

    // The new Redis is empty: the user is online again at their next beat, as a tab's timer sends it.
    await rig.startRedis();
    await waitFor(
      'heartbeat accepted',
      () =>
        a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' }).then(
          () => true,
          () => false,
        ),
      30_000,
    );
    expect(await statusOfA()).toBe('online');
    for (const instance of cluster.instances) await waitFor('ready', () => httpOk(`${instance.url}/readyz`));
  });

  it('refuses sends with SERVICE_UNAVAILABLE while PostgreSQL is unreachable, and recovers', async () => {
    const { a, b, conversationId } = await pair();
    const first = await sendSurely(a.client, conversationId, 'stored');
    rig.cutDatabase();
    const err = await a.client.messages.send
      .mutate({ conversationId, body: 'not stored', clientId: randomUUID() })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('SERVICE_UNAVAILABLE');
    const [instance] = cluster.instances;
    const ready = await fetch(`${instance?.url ?? ''}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: 'down' });
    rig.restoreDatabase();
    const second = await sendSurely(a.client, conversationId, 'stored again');
    const history = await b.client.messages.history.query({ conversationId });
    expect(history.messages.map((m) => m.id)).toEqual([second.id, first.id]);
    await waitFor('ready again', () => httpOk(`${instance?.url ?? ''}/readyz`));
  });
});
