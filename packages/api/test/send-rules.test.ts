import { randomUUID } from 'node:crypto';
import { createDb, eventStreams, friendships, messages, users, type DbHandle } from '@pigeon/db';
import { errorCode } from '@pigeon/test-utils';
import { limits, type SendMessageInput } from '@pigeon/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { openDirectConversation } from '../src/services/direct-conversations';
import { sendMessage } from '../src/services/message-actions';
import { SendQueue } from '../src/services/send-queue';
import { messageViews } from '../src/services/views';

let handle: DbHandle;
beforeAll(async () => {
  handle = createDb({ dataDir: 'memory://' });
  await handle.migrate();
});
afterAll(() => handle.close());

async function user(name: string) {
  const [row] = await handle.db
    .insert(users)
    .values({ username: `${name}_${randomUUID().slice(0, 6)}`, passwordHash: 'x' })
    .returning();
  if (!row) throw new Error('no user');
  await handle.db.insert(eventStreams).values({ userId: row.id });
  return row.id;
}

async function befriend(a: string, b: string) {
  await handle.db.insert(friendships).values([
    { userId: a, friendId: b },
    { userId: b, friendId: a },
  ]);
}

/** One `messages.send` call: the stored message, and the events it committed. */
async function send(sends: SendQueue, senderId: string, input: SendMessageInput) {
  const outbox = new Outbox();
  const message = await sendMessage({ sends, outbox, metrics: noMetrics }, senderId, input);
  return { message, deliveries: outbox.take().deliveries };
}

describe('sending in a 1:1 conversation', () => {
  it('stops once the two are no longer friends, but still answers a retry of an earlier send', async () => {
    const a = await user('a');
    const b = await user('b');
    await befriend(a, b);
    const { id: conversationId } = await openDirectConversation(handle.db, a, b);
    const sends = new SendQueue(handle.db);
    const earlier = { conversationId, body: 'before', clientId: randomUUID() };
    const { message } = await send(sends, a, earlier);

    await handle.db.delete(friendships); // the friendship ends (unfriend/block come later)
    const refused = await send(sends, a, {
      conversationId,
      body: 'after',
      clientId: randomUUID(),
    }).catch((e: unknown) => e);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    const retried = await send(sends, a, earlier);
    expect(retried.message).toEqual(message);
    expect(retried.deliveries).toEqual([]);
  });
});

describe('a reply', () => {
  it('quotes the answered message cut to the excerpt length without splitting an emoji, as history does', async () => {
    const a = await user('a');
    const b = await user('b');
    await befriend(a, b);
    const { id: conversationId } = await openDirectConversation(handle.db, a, b);
    const sends = new SendQueue(handle.db);
    const max = limits.replyExcerpt.max;
    // The emoji's two UTF-16 units straddle the cut: the quote stops before it.
    const long = `${'x'.repeat(max - 1)}😀 and more`;
    const plain = `${'é'.repeat(max)}tail`;
    for (const [body, quoted] of [
      [long, 'x'.repeat(max - 1)],
      [plain, 'é'.repeat(max)],
      ['short 😀', 'short 😀'],
    ] as const) {
      const { message: first } = await send(sends, b, { conversationId, body, clientId: randomUUID() });
      const { message: reply, deliveries } = await send(sends, a, {
        conversationId,
        body: 'answer',
        clientId: randomUUID(),
        replyToId: first.id,
      });
      expect(reply.replyTo).toEqual({ id: first.id, senderId: b, body: quoted, deleted: false });
      expect(deliveries.map((d) => d.event)).toEqual([
        expect.objectContaining({ type: 'message.created', message: reply }),
        expect.objectContaining({ type: 'message.created', message: reply }),
      ]);
      // History builds the same quote from the stored rows.
      const [stored] = await handle.db.select().from(messages).where(eq(messages.id, reply.id));
      if (!stored) throw new Error('reply not stored');
      expect((await messageViews(handle.db, [stored]))[0]).toEqual(reply);
    }
  });
});
