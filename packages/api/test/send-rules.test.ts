import { randomUUID } from 'node:crypto';
import { createDb, eventStreams, friendships, users, type DbHandle } from '@pigeon/db';
import { errorCode } from '@pigeon/test-utils';
import type { SendMessageInput } from '@pigeon/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { openDirectConversation } from '../src/services/direct-conversations';
import { sendMessage } from '../src/services/message-actions';
import { SendQueue } from '../src/services/send-queue';

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
