import { randomUUID } from 'node:crypto';
import { conversations, events, messages, preparedQueryOf, type Database } from '@pigeon/db';
import { describe, expect, it } from 'vitest';
import { openDirectConversation } from '../src/services/direct-conversations';
import { sendBatchWarmUp, sendMessages } from '../src/services/send-batch';
import { backends, useWorld } from './support/world';

describe.each(backends)('the send statement warm-up (%s)', (backend) => {
  const world = useWorld(backend);

  it('answers NOT_FOUND and changes nothing, with a conversation and a message stored', async () => {
    const w = world();
    const [a, b] = [await w.user('wa'), await w.user('wb')];
    await w.befriend(a, b);
    const { id: conversationId } = await openDirectConversation(w.db, a, b);
    const [stored] = await sendMessages(w.db, [
      { senderId: a, input: { conversationId, body: 'already here', clientId: randomUUID() } },
    ]);
    expect(stored?.ok).toBe(true);
    const before = await counts(w.db);

    const [row] = (await preparedQueryOf(w.db)(sendBatchWarmUp.text, sendBatchWarmUp.params)) as [
      { answers: unknown },
    ];

    expect(row.answers).toEqual([{ e: 'NOT_FOUND' }]);
    expect(await counts(w.db)).toEqual(before);
  });
});

async function counts(db: Database) {
  return {
    messages: await db.$count(messages),
    events: await db.$count(events),
    conversations: await db.$count(conversations),
  };
}
