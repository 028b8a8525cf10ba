import { randomUUID } from 'node:crypto';
import { users } from '@pigeon/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { openDirectConversation } from '../src/services/direct-conversations';
import { createGroup } from '../src/services/groups';
import { sendMessage } from '../src/services/message-actions';
import { markRead } from '../src/services/read-markers';
import { SendQueue } from '../src/services/send-queue';
import { backends, outcome, useWorld, type World } from './support/world';

async function say(w: World, senderId: string, conversationId: string) {
  const sends = new SendQueue(w.db);
  const message = await sendMessage({ sends, outbox: new Outbox(), metrics: noMetrics }, senderId, {
    conversationId,
    body: 'hi',
    clientId: randomUUID(),
  });
  return message.id;
}

const sharesReceipts = (w: World, userId: string, on: boolean) =>
  w.db.update(users).set({ sendReadReceipts: on }).where(eq(users.id, userId));

describe.each(backends)('read markers (%s)', (backend) => {
  const world = useWorld(backend);

  async function pair(w: World) {
    const [a, b] = [await w.user('a'), await w.user('b')];
    await w.befriend(a, b);
    const { id } = await openDirectConversation(w.db, a, b);
    const first = await say(w, b, id);
    const second = await say(w, b, id);
    return { a, b, conversationId: id, first, second, heads: { a: await w.head(a), b: await w.head(b) } };
  }

  it('moves forward only: an older marker changes and announces nothing', async () => {
    const w = world();
    const { a, conversationId, first, second, heads } = await pair(w);

    expect(await markRead(w.call(), a, { conversationId, messageId: second })).toEqual({
      lastReadMessageId: second,
    });
    const back = w.call();
    expect(await markRead(back, a, { conversationId, messageId: first })).toEqual({
      lastReadMessageId: second,
    });
    expect(back.outbox.take().deliveries).toEqual([]);
    expect(await w.events(a, heads.a)).toEqual([
      {
        v: 1,
        type: 'conversation.read',
        conversationId,
        userId: a,
        lastReadMessageId: second,
        id: heads.a + 1,
      },
    ]);
  });

  it('tells the other member only when both share read receipts', async () => {
    const w = world();
    const { a, b, conversationId, first, second, heads } = await pair(w);

    await markRead(w.call(), a, { conversationId, messageId: first });
    expect(await w.events(b, heads.b)).toMatchObject([{ type: 'conversation.read', userId: a }]);

    await sharesReceipts(w, b, false);
    await markRead(w.call(), a, { conversationId, messageId: second });
    expect(await w.events(b, heads.b)).toHaveLength(1);
    expect(await w.events(a, heads.a)).toHaveLength(2); // the reader's own devices always hear
  });

  it('tells nobody else when the reader does not share receipts, nor anyone across a block', async () => {
    const w = world();
    const owner = await w.user('owner');
    const [m1, m2] = [await w.user('m1'), await w.user('m2')];
    await w.befriend(owner, m1);
    await w.befriend(owner, m2);
    const { id } = await createGroup(w.call(), owner, { name: 'G', memberIds: [m1, m2] });
    const message = await say(w, m1, id);
    await w.block(m2, owner);
    const heads = { m1: await w.head(m1), m2: await w.head(m2) };

    const call = w.call();
    await markRead(call, owner, { conversationId: id, messageId: message });
    expect(
      call.outbox
        .take()
        .deliveries.map((d) => d.userId)
        .sort(),
    ).toEqual([owner, m1].sort());
    expect(await w.events(m2, heads.m2)).toEqual([]);

    await sharesReceipts(w, m2, false);
    await markRead(w.call(), m2, { conversationId: id, messageId: message });
    expect(await w.events(m1, heads.m1)).toHaveLength(1); // only the owner's marker reached m1
  });

  it('refuses outsiders, and messages of another conversation', async () => {
    const w = world();
    const { a, conversationId, first } = await pair(w);
    const other = await pair(w);
    const outsider = await w.user('outsider');

    expect(await outcome(markRead(w.call(), outsider, { conversationId, messageId: first }))).toBe(
      'NOT_FOUND: No such conversation.',
    );
    expect(await outcome(markRead(w.call(), a, { conversationId, messageId: other.first }))).toBe(
      'NOT_FOUND: No such message in this conversation.',
    );
  });
});
