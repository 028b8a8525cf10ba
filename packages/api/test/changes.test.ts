import { randomUUID } from 'node:crypto';
import { friendships, preparedQueryOf, registerPreparedQuery, type Database } from '@pigeon/db';
import type { PigeonEvent, StreamEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BusListener, EventBus } from '../src/bus';
import { commitChange } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { appRouter } from '../src/router';
import { createCallerFactory, publicProcedure, router } from '../src/trpc';
import { testContext } from './support/context';
import { backends, outcome, useWorld, type World } from './support/world';

const someEvent = (): PigeonEvent => ({ v: 1, type: 'friend.request_declined', requestId: randomUUID() });

/** A bus that writes down what it is told, in order, into the same log as the commits. */
class RecordingBus implements EventBus {
  published: { userId: string; event: StreamEvent }[] = [];
  constructor(private readonly log: string[]) {}
  publish(userId: string, event: StreamEvent) {
    this.log.push(`publish ${userId} #${event.id}`);
    this.published.push({ userId, event });
    return Promise.resolve();
  }
  publishEphemeral() {
    return Promise.resolve();
  }
  announceRevokedSessions(sessionIds: readonly string[]) {
    this.log.push(`revoke ${sessionIds.join(',')}`);
    return Promise.resolve();
  }
  onRevokedSessions() {
    return () => undefined;
  }
  subscribe(_userId: string, _listener: BusListener) {
    return Promise.resolve(() => undefined);
  }
  ping() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

/** The database, with every commit of a transaction written down in `log`. */
function commitsLogged(db: Database, log: string[]): Database {
  const logged = Object.create(db) as Database;
  logged.transaction = async (work, config) => {
    const result = await db.transaction(work, config);
    log.push('commit');
    return result;
  };
  // Sends are one prepared statement outside any transaction: it commits by itself.
  registerPreparedQuery(logged, async (text, params) => {
    const rows = await preparedQueryOf(db)(text, params);
    log.push('commit');
    return rows;
  });
  return logged;
}

/** One viewer's calls into a router, as the server would make them, with everything recorded. */
function callsAs(w: World, viewerId: string) {
  const log: string[] = [];
  const bus = new RecordingBus(log);
  const forgotten: string[] = [];
  const counted = { messagesSent: 0 };
  const db = commitsLogged(w.db, log);
  const ctx = testContext({
    db,
    bus,
    metrics: { ...noMetrics, messageSent: () => counted.messagesSent++ },
    sessionStatus: {
      isLive: () => Promise.resolve(true),
      apiTokenViewer: () => Promise.resolve(null),
      forget: (ids) => forgotten.push(...ids),
    },
    viewer: { userId: viewerId, sessionId: randomUUID(), expiresAt: Date.now() + 60_000 },
  });
  return { ctx, log, bus, forgotten, counted };
}

/** Procedures that exercise the pipeline alone. */
const pipelineRouter = router({
  append: publicProcedure
    .input(z.object({ userIds: z.array(z.string()) }))
    .mutation(({ ctx, input }) =>
      commitChange(ctx, (_tx, events) =>
        events.append(input.userIds.map((userId) => ({ userId, event: someEvent() }))),
      ),
    ),
  commitsThenFails: publicProcedure
    .input(z.object({ userId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await commitChange(ctx, (_tx, events) => events.append([{ userId: input.userId, event: someEvent() }]));
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'after the commit' });
    }),
  rollsBack: publicProcedure.input(z.object({ userId: z.string() })).mutation(({ ctx, input }) =>
    commitChange(ctx, async (_tx, events) => {
      await events.append([{ userId: input.userId, event: someEvent() }]);
      throw new TRPCError({ code: 'CONFLICT', message: 'rolled back' });
    }),
  ),
  endsSessions: publicProcedure
    .input(z.object({ userId: z.string(), sessionIds: z.array(z.string()) }))
    .mutation(async ({ ctx, input }) => {
      ctx.outbox.sessionsEnded(input.sessionIds);
      await commitChange(ctx, (_tx, events) => events.append([{ userId: input.userId, event: someEvent() }]));
    }),
});

const app = createCallerFactory(appRouter);
const pipeline = createCallerFactory(pipelineRouter);

const friendshipRows = (w: World, a: string, b: string) =>
  w.db
    .select()
    .from(friendships)
    .where(and(eq(friendships.userId, a), eq(friendships.friendId, b)));

describe.each(backends)('the change pipeline (%s)', (backend) => {
  const world = useWorld(backend);

  it('commits a change’s rows and events together, and hands the events over only after the commit', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const [headA, headB] = [await w.head(a), await w.head(b)];
    const call = w.call();

    const result = await commitChange(call, async (tx, events) => {
      await tx.insert(friendships).values([
        { userId: a, friendId: b },
        { userId: b, friendId: a },
      ]);
      await events.append([
        { userId: a, event: someEvent() },
        { userId: b, event: someEvent() },
        { userId: a, event: someEvent() },
      ]);
      expect(call.outbox.take().deliveries).toEqual([]); // the transaction is still open
      return 'done';
    });

    expect(result).toBe('done');
    const { deliveries } = call.outbox.take();
    expect(deliveries.map((d) => [d.userId, d.event.id])).toEqual([
      [a, headA + 1],
      [b, headB + 1],
      [a, headA + 2],
    ]);
    expect(await w.events(a, headA)).toEqual(deliveries.filter((d) => d.userId === a).map((d) => d.event));
    expect(await w.events(b, headB)).toEqual(deliveries.filter((d) => d.userId === b).map((d) => d.event));
    expect(await friendshipRows(w, a, b)).toHaveLength(1);
    expect(call.outbox.take().deliveries).toEqual([]); // handed over once
  });

  it('hands over nothing, and stores neither rows nor events, when the change fails', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const headA = await w.head(a);
    const call = w.call();

    const failed = commitChange(call, async (tx, events) => {
      await tx.insert(friendships).values([{ userId: a, friendId: b }]);
      await events.append([{ userId: a, event: someEvent() }]);
      throw new TRPCError({ code: 'CONFLICT', message: 'changed my mind' });
    });

    expect(await outcome(failed)).toBe('CONFLICT: changed my mind');
    expect(call.outbox.take()).toEqual({ deliveries: [], endedSessions: [], removedFiles: [] });
    expect(await w.head(a)).toBe(headA);
    expect(await w.events(a, headA)).toEqual([]);
    expect(await friendshipRows(w, a, b)).toEqual([]);
  });

  it('publishes a procedure’s events only after its transaction has committed', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const { ctx, log, bus } = callsAs(w, a);

    await app(ctx).friends.request({ userId: b });

    expect(log[0]).toBe('commit');
    expect(log.slice(1)).toHaveLength(2);
    expect(log.slice(1).every((entry) => entry.startsWith('publish'))).toBe(true);
    expect(bus.published.map((p) => [p.userId, p.event.type]).sort()).toEqual(
      [
        [a, 'friend.request_sent'],
        [b, 'friend.request_received'],
      ].sort(),
    );
    for (const { userId, event } of bus.published) {
      expect(await w.events(userId, event.id - 1)).toEqual([event]); // what the log holds
    }
  });

  it('publishes nothing for a procedure that is refused, or whose change rolls back', async () => {
    const w = world();
    const a = await w.user('a');
    const headA = await w.head(a);
    const { ctx, log } = callsAs(w, a);

    expect(await outcome(app(ctx).friends.accept({ requestId: randomUUID() }))).toBe(
      'NOT_FOUND: No such friend request.',
    );
    expect(await outcome(pipeline(ctx).rollsBack({ userId: a }))).toBe('CONFLICT: rolled back');

    expect(log).toEqual([]);
    expect(await w.head(a)).toBe(headA);
  });

  it('publishes what committed even when the call fails afterwards', async () => {
    const w = world();
    const a = await w.user('a');
    const { ctx, log, bus } = callsAs(w, a);

    expect(await outcome(pipeline(ctx).commitsThenFails({ userId: a }))).toBe(
      'INTERNAL_SERVER_ERROR: after the commit',
    );

    expect(log).toEqual(['commit', `publish ${a} #${await w.head(a)}`]);
    expect(bus.published.map((p) => p.event)).toEqual(await w.events(a, (await w.head(a)) - 1));
  });

  it('answers without waiting for the bus to pass the events on to other instances', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const { ctx, log, bus } = callsAs(w, a);
    // Redis taking its time: the publishes are made, and never settle.
    const slow = Object.assign(Object.create(bus) as RecordingBus, {
      publish: (userId: string, event: StreamEvent) => {
        void bus.publish(userId, event);
        return new Promise<void>(() => undefined);
      },
    });

    await app({ ...ctx, bus: slow }).friends.request({ userId: b });

    expect(log[0]).toBe('commit');
    expect(bus.published.map((p) => p.userId).sort()).toEqual([a, b].sort());
  });

  it('announces ended sessions after the events, and forgets them on this instance', async () => {
    const w = world();
    const a = await w.user('a');
    const { ctx, log, forgotten } = callsAs(w, a);

    await pipeline(ctx).endsSessions({ userId: a, sessionIds: ['s1', 's2'] });

    expect(log).toEqual(['commit', `publish ${a} #${await w.head(a)}`, 'revoke s1,s2']);
    expect(forgotten).toEqual(['s1', 's2']);
  });

  it('keeps each user’s ids gapless, and each call’s in order, across concurrent calls', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const [headA, headB] = [await w.head(a), await w.head(b)];
    const calls = Array.from({ length: 10 }, () => callsAs(w, a));

    await Promise.all(calls.map(({ ctx }) => pipeline(ctx).append({ userIds: [a, b, a, a] })));

    const idsOf = (userId: string, published: { userId: string; event: StreamEvent }[]) =>
      published.filter((p) => p.userId === userId).map((p) => p.event.id);
    for (const { bus } of calls) {
      const mine = idsOf(a, bus.published);
      expect(mine).toHaveLength(3);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    const all = calls.flatMap(({ bus }) => bus.published);
    const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
    expect(sorted(idsOf(a, all))).toEqual(Array.from({ length: 30 }, (_, i) => headA + 1 + i));
    expect(sorted(idsOf(b, all))).toEqual(Array.from({ length: 10 }, (_, i) => headB + 1 + i));
    expect((await w.events(a, headA)).map((e) => e.id)).toEqual(sorted(idsOf(a, all)));
  });

  it('publishes a send’s events after its batch commits, and counts only new messages', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    await w.befriend(a, b);
    const { ctx, log, bus, counted } = callsAs(w, a);
    const { id: conversationId } = await app(ctx).conversations.open({ userId: b });
    const input = { conversationId, body: 'hello', clientId: randomUUID() };

    log.length = 0;
    const sent = await app(ctx).messages.send(input);
    expect(log[0]).toBe('commit');
    expect(bus.published.map((p) => p.userId).sort()).toEqual([a, b].sort());
    expect(bus.published.every((p) => p.event.type === 'message.created')).toBe(true);
    expect(counted.messagesSent).toBe(1);

    bus.published.length = 0;
    expect(await app(ctx).messages.send(input)).toEqual(sent); // a retry
    expect(bus.published).toEqual([]);
    expect(counted.messagesSent).toBe(1);
  });

  it('never publishes the events of a stream dropped in the same change', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const headB = await w.head(b);
    const call = w.call();

    await commitChange(call, async (_tx, events) => {
      await events.append([
        { userId: a, event: someEvent() },
        { userId: b, event: someEvent() },
      ]);
      await events.dropStream(a);
    });

    const { deliveries } = call.outbox.take();
    expect(deliveries.map((d) => [d.userId, d.event.id])).toEqual([[b, headB + 1]]);
    expect(await w.events(a)).toEqual([]);
    expect(await w.head(a)).toBe(0);
  });
});
