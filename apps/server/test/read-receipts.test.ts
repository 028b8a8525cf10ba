import type { PigeonClient } from '@pigeon/client';
import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('read markers, unread counts and receipts (%s)', (backend) => {
  const t = useTestServer(backend);

  async function pairWithMessages(count: number) {
    const reader = await t.user('reader');
    const writer = await t.user('writer');
    const conversationId = await befriend(reader, writer);
    const sent = [];
    for (let i = 0; i < count; i++) {
      sent.push(
        await writer.client.messages.send.mutate({ conversationId, body: `m${i}`, clientId: newClientId() }),
      );
    }
    return { reader, writer, conversationId, sent };
  }

  const inList = async (client: PigeonClient, id: string) =>
    (await client.conversations.list.query()).find((c) => c.id === id);

  it('counts others’ messages after the marker and clears the badge on every device', async () => {
    const { reader, writer, conversationId, sent } = await pairWithMessages(3);
    const otherDevice = t.client();
    await otherDevice.auth.login.mutate({ username: reader.username, password: reader.password });
    const otherStream = collectEvents(otherDevice);
    await otherStream.live();

    expect(await inList(reader.client, conversationId)).toMatchObject({
      unreadCount: 3,
      lastReadMessageId: null,
    });
    expect((await inList(writer.client, conversationId))?.unreadCount).toBe(0); // own messages never count

    const last = sent.at(-1);
    if (!last) throw new Error('nothing sent');
    expect(await reader.client.conversations.markRead.mutate({ conversationId, messageId: last.id })).toEqual(
      {
        lastReadMessageId: last.id,
      },
    );
    await otherStream.until(() => otherStream.events().some((e) => e.type === 'conversation.read'));
    expect(otherStream.events().find((e) => e.type === 'conversation.read')).toMatchObject({
      conversationId,
      userId: reader.id,
      lastReadMessageId: last.id,
    });
    expect(await inList(otherDevice, conversationId)).toMatchObject({
      unreadCount: 0,
      lastReadMessageId: last.id,
    });

    // Never backwards, and a repeat tells nobody again.
    const first = sent[0];
    if (!first) throw new Error('nothing sent');
    expect(
      await reader.client.conversations.markRead.mutate({ conversationId, messageId: first.id }),
    ).toEqual({
      lastReadMessageId: last.id,
    });
    await writer.client.messages.send.mutate({ conversationId, body: 'one more', clientId: newClientId() });
    expect((await inList(reader.client, conversationId))?.unreadCount).toBe(1);
    otherStream.unsubscribe();
  });

  it('shows the writer how far the reader has read, unless either turns receipts off', async () => {
    const { reader, writer, conversationId, sent } = await pairWithMessages(2);
    const writerStream = collectEvents(writer.client);
    await writerStream.live();
    const [first, second] = sent;
    if (!first || !second) throw new Error('nothing sent');

    await reader.client.conversations.markRead.mutate({ conversationId, messageId: first.id });
    await writerStream.until(() => writerStream.events().some((e) => e.type === 'conversation.read'));
    expect((await inList(writer.client, conversationId))?.seenUpTo).toBe(first.id);

    // The reader stops sharing: the writer hears nothing more and sees no "seen" at all…
    expect(await reader.client.settings.update.mutate({ sendReadReceipts: false })).toEqual({
      sendReadReceipts: false,
      showPresence: true,
    });
    await reader.client.conversations.markRead.mutate({ conversationId, messageId: second.id });
    expect((await inList(writer.client, conversationId))?.seenUpTo).toBeNull();
    // …and, symmetrically, the reader sees none of the writer's reads.
    const back = await reader.client.messages.send.mutate({
      conversationId,
      body: 'reply',
      clientId: newClientId(),
    });
    await writer.client.conversations.markRead.mutate({ conversationId, messageId: back.id });
    expect((await inList(reader.client, conversationId))?.seenUpTo).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(writerStream.events().filter((e) => e.type === 'conversation.read')).toHaveLength(2); // 1 of the reader, 1 own
    expect(await reader.client.settings.get.query()).toEqual({ sendReadReceipts: false, showPresence: true });
    writerStream.unsubscribe();
  });

  it('refuses a marker on a message of another conversation, or in someone else’s conversation', async () => {
    const one = await pairWithMessages(1);
    const two = await pairWithMessages(1);
    const foreign = two.sent[0];
    if (!foreign) throw new Error('nothing sent');
    const wrongPlace = await one.reader.client.conversations.markRead
      .mutate({ conversationId: one.conversationId, messageId: foreign.id })
      .catch((e: unknown) => e);
    expect(errorCode(wrongPlace)).toBe('NOT_FOUND');
    const notMine = await one.reader.client.conversations.markRead
      .mutate({ conversationId: two.conversationId, messageId: foreign.id })
      .catch((e: unknown) => e);
    expect(errorCode(notMine)).toBe('NOT_FOUND');
    expect((await inList(two.reader.client, two.conversationId))?.unreadCount).toBe(1);
  });
});
